// Click to load: the video site's player replaces the link only when the reader asks for it.
// Without this script the link simply opens the video on its own site.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-embed-src]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
    return;
  }
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = link.dataset.embedSrc;
  frame.title = link.dataset.embedTitle;
  frame.className = "video__frame";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.allowFullscreen = true;
  link.replaceWith(frame);
  frame.focus();
});
