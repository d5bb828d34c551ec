// Progressive enhancement only: every page reads fully without this script.
(function () {
  "use strict";
  var more = document.getElementById("more");
  var list = document.getElementById("posts");
  if (more && list) {
    var cursor = null;
    var first = true;
    more.hidden = false;
    more.addEventListener("click", function () {
      var url = "/api/posts?limit=" + (first ? Number(more.dataset.after) + 10 : 10);
      if (cursor) url = "/api/posts?limit=10&cursor=" + encodeURIComponent(cursor);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (page) {
          var items = first ? page.items.slice(Number(more.dataset.after)) : page.items;
          first = false;
          items.forEach(function (post) {
            var li = document.createElement("li");
            var h2 = document.createElement("h2");
            var a = document.createElement("a");
            a.href = "/posts/" + encodeURIComponent(post.slug) + "/";
            a.textContent = post.title; // text, never HTML
            h2.appendChild(a);
            li.appendChild(h2);
            list.appendChild(li);
          });
          cursor = page.nextCursor;
          if (!cursor) more.hidden = true;
        });
    });
  }

  var form = document.getElementById("subscribe-form");
  var status = document.getElementById("subscribe-status");
  if (form && status) {
    status.textContent = "";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var email = form.elements.namedItem("email").value;
      status.textContent = "Subscribing…";
      fetch("/api/subscriptions", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ email: email })
      }).then(function (r) {
        if (r.status === 202) {
          status.textContent = "Almost done: confirm with the link we just emailed you.";
          form.reset();
        } else {
          return r.json().then(function (problem) {
            status.textContent = problem.detail || "That did not work; please try again.";
          });
        }
      }).catch(function () {
        status.textContent = "That did not work; please try again.";
      });
    });
  }
})();
