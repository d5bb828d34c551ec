// DOT on stdin -> SVG on stdout, with Graphviz compiled to WebAssembly (no `dot` binary needed).
// The same DOT always gives the same bytes: the drift check (make diagrams-check) relies on it.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const graphviz = await Graphviz.load();
process.stdout.write(graphviz.dot(Buffer.concat(chunks).toString("utf8"), "svg"));
