"""The cost model behind bench/updates.py's comparison: tiered data-transfer prices."""

from __future__ import annotations

import pytest

from bench.updates import CLOUDFRONT_EGRESS_TIERS, EC2_EGRESS_TIERS, tiered


@pytest.mark.parametrize(
    ("gib", "expected"),
    [
        (0, 0.0),
        (5_000, 5_000 * 0.09),  # inside the first 10 TB
        (10_240, 10_240 * 0.09),  # exactly the first tier
        (85_094, 10_240 * 0.09 + 40_960 * 0.085 + (85_094 - 51_200) * 0.07),
        (200_000, 10_240 * 0.09 + 40_960 * 0.085 + 102_400 * 0.07 + (200_000 - 153_600) * 0.05),
    ],
)
def test_ec2_egress_is_priced_tier_by_tier(gib: float, expected: float) -> None:
    assert tiered(gib, EC2_EGRESS_TIERS) == pytest.approx(expected)


def test_cloudfront_tiers_are_cumulative_bounds() -> None:
    bounds = [bound for bound, _ in CLOUDFRONT_EGRESS_TIERS if bound is not None]
    assert bounds == sorted(bounds)
    assert tiered(85_094, CLOUDFRONT_EGRESS_TIERS) == pytest.approx(
        10_240 * 0.085 + 40_960 * 0.080 + (85_094 - 51_200) * 0.060
    )
    prices = [price for _, price in CLOUDFRONT_EGRESS_TIERS]
    assert prices == sorted(prices, reverse=True)  # volume makes each GB cheaper
