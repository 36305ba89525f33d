// claimflow review: selecting fields shows their evidence on the page; keyboard shortcuts. No libraries.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // The queue: a whole row opens its review.
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (!event.target.closest("a, button")) { window.location.href = row.dataset.href; }
    });
  });

  // After a decision or a claim the focus starts on the note saying what was done (not on the page's body), so a
  // screen reader says it and Tab goes on from the top; a refusal's own focus (a field, the reason) comes later.
  var note = document.getElementById("flash");
  if (note) { note.focus({ preventScroll: true }); }

  var form = document.getElementById("decide");
  if (!form) { return; }
  var viewer = document.getElementById("viewer");
  var holders = Array.prototype.slice.call(document.querySelectorAll(".field[data-marks], .rows tr[data-marks]"));

  function marksOf(ids) {
    var found = [];
    ids.split(/\s+/).filter(Boolean).forEach(function (id) {
      document.querySelectorAll("[data-mark]").forEach(function (element) {
        if (element.classList.contains("hl") || element.classList.contains("hl-text")) {
          if (element.dataset.mark.split(/\s+/).indexOf(id) >= 0) { found.push(element); }
        }
      });
    });
    return found;
  }

  function show(ids) {
    document.querySelectorAll(".hl.active, .hl-text.active, .hl.pulse, .hl-text.pulse").forEach(function (element) {
      element.classList.remove("active", "pulse");
    });
    var marks = marksOf(ids);
    marks.forEach(function (element) {
      element.classList.add("active");
      void element.offsetWidth;  // restart the animation
      element.classList.add("pulse");
    });
    if (marks.length) { reveal(marks[0]); }
    return marks;
  }

  var scrolls = 0;  // the latest scroll asked for: one that waited on pages gives way to a later one

  function reveal(mark) {
    var asked = ++scrolls;
    // Pages without marks load when scrolled near, with no height before: those above the mark would
    // push it out of view as the scroll passes them. Load them first, then scroll to where it stands.
    var above = Array.prototype.filter.call(viewer.querySelectorAll(".sheet img"), function (img) {
      return !img.complete && (img.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    var waiting = above.length;
    function go() {
      if (asked !== scrolls) { return; }
      var box = mark.getBoundingClientRect(), frame = viewer.getBoundingClientRect();
      // Down to the mark, a third of the frame above it; across to it when the pages are wider than the frame
      // (magnified), centred when it fits.
      var top = box.top - frame.top + viewer.scrollTop - viewer.clientHeight / 3;
      var left = box.left - frame.left + viewer.scrollLeft - Math.max(0, (viewer.clientWidth - box.width) / 2);
      top = Math.max(0, Math.min(top, viewer.scrollHeight - viewer.clientHeight));
      left = Math.max(0, Math.min(left, viewer.scrollWidth - viewer.clientWidth));
      // Where the mark will stand in the window: in one column (a phone held sideways, a window at 200%) the
      // document may be scrolled out of the window, above the field clicked, and the window scrolls to it too.
      var at = box.top - (top - viewer.scrollTop);
      viewer.scrollTo({ top: top, left: left, behavior: "smooth" });
      if (at < 0 || at + box.height > window.innerHeight) {
        // To a place, not by a distance: a scroll asked for again while this one runs must end where this one does.
        window.scrollTo({ top: window.scrollY + at - Math.max(0, (window.innerHeight - box.height) / 3), behavior: "smooth" });
      }
    }
    if (!waiting) { go(); return; }
    above.forEach(function (img) {
      function loaded() { if (--waiting === 0) { go(); } }
      img.addEventListener("load", loaded, { once: true });
      img.addEventListener("error", loaded, { once: true });
      img.loading = "eager";
    });
  }

  // Magnify: the page images at their own pixel width (144 dpi for a PDF), the frame scrolled both ways. The mark
  // selected stays in view across the change, where it stands on the page at its new size.
  var magnify = document.getElementById("magnify");

  function toggleMagnify() {
    var on = !viewer.classList.contains("magnified");
    viewer.classList.toggle("magnified", on);
    magnify.setAttribute("aria-pressed", on ? "true" : "false");
    var active = viewer.querySelector(".hl.active, .hl-text.active");
    if (active) { reveal(active); }
  }

  if (magnify) { magnify.addEventListener("click", toggleMagnify); }

  function select(holder, scrollPanel) {
    holders.forEach(function (other) { other.classList.remove("selected"); });
    if (!holder) { return; }
    holder.classList.add("selected");
    show(holder.dataset.marks || "");
    if (scrollPanel) { holder.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  function openEdit(field) {
    field.classList.add("editing");
    var input = field.querySelector(".edit input, .edit textarea");
    if (input) { input.focus({ preventScroll: true }); input.select && input.select(); }
    // The whole field in view, its name too, not only its box: on a phone the document stays above the fields
    // and the actions below them, and the box alone would be scrolled to just under the document.
    field.scrollIntoView({ block: "nearest" });
  }

  holders.forEach(function (holder) {
    // Tabbing to a field (or to a button in it) selects it: E then edits the field that has the focus.
    holder.addEventListener("focusin", function () {
      if (!holder.classList.contains("selected")) { select(holder, false); }
    });
    holder.addEventListener("click", function (event) {
      var target = event.target;
      if (target.closest(".edit, summary, .field-reasons")) { return; }
      var quote = target.closest(".quote, .candidate");
      if (quote) {
        select(holder, false);
        var shown = show(quote.dataset.mark || "");
        // From the keyboard (a click with no pointer behind it), the focus follows to the box scrolled to: left on
        // the quote, it would stay on what the scroll took out of view (at 200% the document stands above the fields).
        if (event.detail === 0 && quote.classList.contains("quote") && shown.length) {
          shown[0].focus({ preventScroll: true });
        }
        if (quote.classList.contains("candidate")) {
          var input = holder.querySelector(".edit input, .edit textarea");
          if (input) { input.value = quote.dataset.value; openEdit(holder); }
        }
        return;
      }
      if (target.closest(".edit-toggle")) {
        holder.classList.contains("editing") ? holder.classList.remove("editing") : openEdit(holder);
        return;
      }
      select(holder, false);
    });
  });

  // A mark on the page selects the field it is evidence for; from the keyboard (Enter or Space, as on a button) the
  // focus goes to that field too, whose box the reviewer then edits or leaves.
  // Of a text's quote marked for more than one field, the field its title and name give (its last mark's).
  function ownerOf(mark) {
    var ids = mark.dataset.mark.split(/\s+/).reverse();
    for (var i = 0; i < ids.length; i++) {
      var owner = holders.filter(function (holder) {
        return (holder.dataset.marks || "").split(/\s+/).indexOf(ids[i]) >= 0;
      })[0];
      if (owner) { return owner; }
    }
    return undefined;
  }

  document.querySelectorAll(".hl, .hl-text").forEach(function (mark) {
    mark.addEventListener("click", function () { select(ownerOf(mark), true); });
    mark.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") { return; }
      event.preventDefault();  // Space would scroll the window
      var owner = ownerOf(mark);
      select(owner, false);
      if (owner) { owner.focus(); }  // scrolled into view as it takes the focus
    });
  });

  document.querySelectorAll(".field-link").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById("f-" + link.dataset.field);
      if (field) { event.preventDefault(); select(field, true); }
    });
  });

  // Leaving with something typed and not sent (Next, N, the queue, another page) asks first: it would be lost unsaid.
  var sending = false;
  form.addEventListener("submit", function () { sending = true; });

  function lines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(Boolean).join("\n");
  }

  function typedUnsent() {
    var changed = Array.prototype.some.call(form.querySelectorAll("[name^='field.']"), function (input) {
      var shown = form.elements.namedItem("was." + input.name.slice("field.".length));
      return shown && lines(input.value) !== lines(shown.value);
    });
    return changed || ["reason", "comment", "doc_type"].some(function (name) {
      var box = form.elements.namedItem(name);
      return box && box.value.trim() !== "";
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (!sending && typedUnsent()) { event.preventDefault(); event.returnValue = ""; }
  });

  // Enter in an input saves edits (never approves); the reason box rejects.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName === "TEXTAREA" || event.target.tagName === "BUTTON") { return; }
    if (event.target.tagName === "INPUT") {
      event.preventDefault();
      var button = document.getElementById(event.target.id === "reason" ? "reject" : "save");
      if (event.target.id !== "comment") { button.click(); }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey) { return; }
    if (event.key === "Escape") {
      if (typing(event.target)) {
        // Back to the field's card, not to the top of the page: Tab, J/K and E go on from the field left.
        var card = event.target.closest(".field[data-marks]");
        card ? card.focus({ preventScroll: true }) : event.target.blur();
      }
      return;
    }
    if (typing(event.target)) { return; }
    var selected = holders.filter(function (h) { return h.classList.contains("selected"); })[0];
    var key = event.key.toLowerCase();
    if (key === "a") { event.preventDefault(); document.getElementById("approve").click(); }
    else if (key === "n") { var next = document.getElementById("next") || document.getElementById("queue-link"); if (next) { event.preventDefault(); next.click(); } }
    else if (key === "e" && selected && selected.classList.contains("field")) { event.preventDefault(); openEdit(selected); }
    else if (key === "r") { event.preventDefault(); document.getElementById("reason").focus(); }
    else if (key === "z" && magnify) { event.preventDefault(); toggleMagnify(); }
    else if (key === "j" || key === "k") {
      event.preventDefault();
      var at = holders.indexOf(selected) + (key === "j" ? 1 : -1);
      var chosen = holders[Math.max(0, Math.min(holders.length - 1, at))];
      select(chosen, true);
      if (chosen) { chosen.focus({ preventScroll: true }); }  // Tab and E go on from the field selected
    }
  });

  // Open with the first field a reason names (else the first field) selected.
  var first = document.querySelector(".field.flagged[data-marks]") || holders[0];
  // After a refused save: the first field with an error (not the first one changed), else the first changed.
  var errored = document.querySelector(".field.invalid") || document.querySelector(".field.editing");
  if (errored) { select(errored, true); openEdit(errored); } else {
    // Refused for want of a reason or of a type: the focus goes to the box to give it in.
    var wanting = document.querySelector("#doc_type[aria-invalid=true], #reason[aria-invalid=true]");
    if (wanting) { wanting.focus(); }
    if (first) {
      // Once the page images have their size; unless the reviewer chose a field already.
      window.addEventListener("load", function () {
        if (!holders.some(function (h) { return h.classList.contains("selected"); })) { select(first, false); }
      });
    }
  }
})();
