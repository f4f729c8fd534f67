// The source reader (issue 21): a passage selected in the text becomes the quote of the passage form, exactly the
// stored characters. Each paragraph holds its stored text verbatim (white-space: pre-wrap), so the selection's
// offsets inside one paragraph give the quote; a selection across paragraphs or over the loader's limits is
// refused with a message. Without JavaScript the form still works with a pasted quote.
(function () {
  "use strict";
  var text = document.getElementById("source-text");
  var form = document.getElementById("passage-form");
  if (!text || !form) { return; }
  var quote = document.getElementById("passage-quote");
  var message = document.getElementById("passage-message");
  var maxChars = parseInt(text.dataset.maxChars, 10);
  var maxWords = parseInt(text.dataset.maxWords, 10);

  function paragraphOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".para") : null;
  }

  function offsetIn(paragraph, node, offset) {
    var range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function say(words, bad) {
    message.textContent = words;
    message.classList.toggle("bad", Boolean(bad));
    if (bad) { quote.value = ""; }  // never leave an earlier passage in place of the one refused
  }

  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer)) { return; }
    var first = paragraphOf(range.startContainer), last = paragraphOf(range.endContainer);
    var endNode = range.endContainer, endOffset = range.endOffset;
    if (first && first !== last) {
      // A triple click selects a paragraph up to the start of whatever follows: nothing of that is selected.
      var within = document.createRange();
      within.setStart(range.startContainer, range.startOffset);
      within.setEnd(first, first.childNodes.length);
      if (within.toString().trim() === range.toString().trim()) {
        last = first;
        endNode = first;
        endOffset = first.childNodes.length;
      }
    }
    if (!first || first !== last) {
      say("A quote stays within one paragraph: select a passage inside one paragraph.", true);
      form.classList.add("active");
      return;
    }
    var whole = first.textContent;
    var start = offsetIn(first, range.startContainer, range.startOffset);
    var end = offsetIn(first, endNode, endOffset);
    while (start < end && /\s/.test(whole[start])) { start += 1; }
    while (end > start && /\s/.test(whole[end - 1])) { end -= 1; }
    if (start === end) { return; }
    var passage = whole.slice(start, end);
    var words = passage.split(/\s+/).filter(Boolean).length;
    if (passage.length > maxChars || words > maxWords) {
      say("The passage is " + words + " words and " + passage.length + " characters; a quote is at most " +
          maxWords + " words and " + maxChars + " characters: select a shorter passage.", true);
      form.classList.add("active");
      return;
    }
    quote.value = passage;
    quote.dataset.start = String(parseInt(first.dataset.start, 10) + start);
    say("Selected: " + words + " word" + (words === 1 ? "" : "s") + ". Choose what it becomes.", false);
    form.classList.add("active");
  }

  var pending = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(selected, 150);
  });
  text.addEventListener("mouseup", selected);
  text.addEventListener("keyup", selected);
})();
