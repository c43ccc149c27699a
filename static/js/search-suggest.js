// As-you-type suggestions for the site search box. Without this script the box still
// submits to the results page; with it, titles and names appear under the box as links.
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  if (!input || !input.form || !window.fetch) {
    return;
  }
  var form = input.form;
  var endpoint = new URL("suggest", form.action);
  var labels = { song: "Song", artist: "Artist", album: "Album", person: "Person" };
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "search-suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var latest = "";
  var active = -1;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach(function (suggestion, index) {
      var item = document.createElement("li");
      item.id = "site-search-suggestion-" + index;
      item.setAttribute("role", "option");
      var link = document.createElement("a");
      link.href = suggestion.url;
      link.tabIndex = -1;
      link.textContent = suggestion.title;
      var detail = document.createElement("span");
      detail.className = "search-suggest__detail";
      detail.textContent = [labels[suggestion.kind], suggestion.detail].filter(Boolean).join(" · ");
      link.appendChild(detail);
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    active = -1;
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    latest = query;
    if (query.length < 2) {
      close();
      return;
    }
    endpoint.searchParams.set("q", query);
    fetch(endpoint, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        // Answers can arrive out of order; show only the one for what is typed now.
        if (query === latest) {
          show(data.suggestions || []);
        }
      })
      .catch(close);
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) {
      return;
    }
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(list.querySelectorAll("a")[active].href);
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) {
      close();
    }
  });
})();
