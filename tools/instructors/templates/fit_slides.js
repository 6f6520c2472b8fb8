// The course's reveal.js plugin (window.CbowFit, listed in the deck's plugins by the template).
// reveal.js starts only when every plugin's init has finished, and with ?print-pdf it lays out the
// printed pages (one per fragment step, each a copy of the slide) the moment it starts. So this
// plugin holds the start until MathJax has typeset every formula and the images have loaded: a copy
// made earlier would hold a half-typeset, empty formula, and a page sized before the formulas were
// would be the wrong height. Meanwhile the class cbow-typesetting (set in the deck's head, styled in
// course.css) lays every slide out unseen, so that MathJax measures the fonts the formulas will be
// shown in (in a hidden slide it measures nothing and draws them too small). Then it shrinks a
// slide taller than the deck with CSS zoom (reveal.js cuts it off otherwise), measured at the deck's
// width. Copied to _static by build_site.py.
(function () {
  "use strict";
  var LIMIT_MS = 15000; // start anyway (formulas untypeset) if MathJax has not finished by then

  function typeset() {
    return new Promise(function (done) {
      if (!(window.MathJax && MathJax.Hub && MathJax.Hub.Register)) { done(); return; }
      // "End" comes after MathJax's first pass over the page; the queue then holds any typesetting
      // asked for since (the page's own MathJax configuration asks for one more pass).
      MathJax.Hub.Register.StartupHook("End", function () { MathJax.Hub.Queue(done); });
    });
  }

  function loaded() {
    return new Promise(function (done) {
      if (document.readyState === "complete") { done(); } else { window.addEventListener("load", done); }
    });
  }

  function measure(slide, width) {
    // reveal hides the slides (and vertical stacks) away from the current one: show them to measure
    var parent = slide.parentElement.tagName === "SECTION" ? slide.parentElement : slide;
    var saved = [slide.style.display, parent.style.display, slide.style.width];
    slide.style.display = parent.style.display = "block";
    slide.style.width = width + "px";
    var needed = slide.scrollHeight;
    slide.style.display = saved[0];
    parent.style.display = saved[1];
    slide.style.width = saved[2];
    return needed;
  }

  function fit(deck) {
    var config = deck.getConfig();
    deck.getSlides().forEach(function (slide) {
      slide.style.zoom = "";
      var needed = measure(slide, config.width);
      if (needed > config.height) {
        slide.style.zoom = (Math.floor(100 * config.height / needed) / 100).toString();
        slide.setAttribute("data-fit-zoom", slide.style.zoom);
      } else {
        slide.removeAttribute("data-fit-zoom");
      }
    });
  }

  window.CbowFit = {
    id: "cbow-fit",
    init: function (deck) {
      var ready = Promise.all([typeset(), loaded()]);
      var limit = new Promise(function (done) { setTimeout(done, LIMIT_MS); });
      return Promise.race([ready, limit]).then(function () {
        document.documentElement.classList.remove("cbow-typesetting");
        fit(deck);
      });
    }
  };
})();
