// Shrinks a slide whose content is taller than the deck (reveal.js cuts it off otherwise), with CSS
// zoom, so that long summaries still fit a 1280x720 screen. Runs when reveal.js is ready, when the
// images have loaded and when MathJax has typeset the formulas (each changes heights). Copied to _static by build_site.py.
(function () {
  "use strict";
  function fit(Reveal) {
    var height = Reveal.getConfig().height;
    Reveal.getSlides().forEach(function (slide) {
      slide.style.zoom = "";
      // reveal hides the slides (and vertical stacks) far from the current one: show them to measure
      var parent = slide.parentElement.tagName === "SECTION" ? slide.parentElement : slide;
      var displays = [slide.style.display, parent.style.display];
      slide.style.display = parent.style.display = "block";
      var needed = slide.scrollHeight;
      parent.style.display = displays[1];
      slide.style.display = displays[0];
      if (needed > height) {
        slide.style.zoom = (Math.floor(100 * height / needed) / 100).toString();
        slide.setAttribute("data-fit-zoom", slide.style.zoom);
      } else {
        slide.removeAttribute("data-fit-zoom");
      }
    });
    Reveal.layout();
  }
  require(["../_static/reveal.js/dist/reveal.js"], function (Reveal) {
    function refit() {
      if (Reveal.isReady()) { fit(Reveal); }
    }
    Reveal.on("ready", refit);
    refit();
    // Heights change when the images have loaded and when MathJax has typeset the formulas.
    if (document.readyState === "complete") { refit(); } else { window.addEventListener("load", refit); }
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(refit); }
  });
})();
