(function () {
  "use strict";
  // A cited span can be cut into several <mark> pieces (where spans overlap);
  // when a source link lands on a span, light up every piece of it.
  function showTarget() {
    var active = document.querySelectorAll("mark.active");
    for (var i = 0; i < active.length; i++) active[i].classList.remove("active");
    var key = location.hash.slice(1);  // our ids are plain ASCII: no decoding needed
    if (key.indexOf("span-") !== 0) return;
    var marks = document.querySelectorAll("mark[data-spans]");
    for (var j = 0; j < marks.length; j++) {
      if (marks[j].getAttribute("data-spans").split(" ").indexOf(key) !== -1) marks[j].classList.add("active");
    }
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
})();
