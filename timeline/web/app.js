/* eventline timeline page: plain JS over the JSON API (/events, /days, /summary, /story,
   /stories, /facets); the time axis is axis.js.
   Everything from the API is inserted with textContent, never as HTML. */
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);
  const PAGE_SIZE = 200;
  const state = { cursor: null, lastDay: null, shown: 0, marks: [], view: "timeline" };

  const FAMILY = {
    CEASEFIRE: "peace", AGREE: "peace", CONSULT: "talk", REQUEST: "talk", APPEAL: "talk",
    STATEMENT: "say", ACCUSE: "conflict", THREATEN: "conflict", REJECT: "conflict",
    PROTEST: "conflict", SANCTION: "conflict", ASSAULT: "force", FIGHT: "force", ATTACK: "force",
  };
  const PRECISION = { day: "day", week: "week", month: "month", year: "year", unknown: "undated" };

  /* --- small DOM helpers ------------------------------------------------------------------ */

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function getJSON(path, params) {
    const url = new URL(path, document.baseURI);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = body && body.detail;
      const message = Array.isArray(detail)
        ? detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ")
        : detail || response.statusText;
      throw new Error(message);
    }
    return body;
  }

  /* --- dates ------------------------------------------------------------------------------ */

  const dayFmt = new Intl.DateTimeFormat("en-GB", {
    weekday: "short", day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  });
  const monthFmt = new Intl.DateTimeFormat("en-GB", {
    month: "long", year: "numeric", timeZone: "UTC",
  });
  const parseDay = (iso) => new Date(iso + "T00:00:00Z");

  /** The heading of a day group: a readable date plus the ISO label the log uses. */
  function dayHeading(event) {
    const label = event.label.replace(/^~/, "");
    if (!event.start) return { human: "Undated", iso: "", key: "undated" };
    let human;
    if (event.precision === "month") human = monthFmt.format(parseDay(event.start));
    else if (event.precision === "year") human = label;
    else if (event.precision === "week") human = `Week ${label.split("-W")[1]}, ${label.slice(0, 4)}`;
    else if (event.start === event.end) human = dayFmt.format(parseDay(event.start));
    else human = `${dayFmt.format(parseDay(event.start))} – ${dayFmt.format(parseDay(event.end))}`;
    return { human, iso: label, key: label };
  }

  /* --- event cards ------------------------------------------------------------------------ */

  function badges(event) {
    const family = FAMILY[event.type] || "other";
    return el("div", { class: "badges" },
      el("span", { class: `badge type fam-${family}`, text: event.type, title: "event type" }),
      el("span", {
        class: `badge precision p-${event.precision}`,
        text: PRECISION[event.precision] || event.precision,
        title: `date precision: ${event.precision}`,
      }),
      event.date_inferred
        ? el("span", {
            class: "badge inferred", text: "~ inferred",
            title: "no time expression of its own: dated from the article",
          })
        : null,
      el("span", { class: "badge modality", text: event.modality, title: "modality" }),
    );
  }

  /** The quote with the time expression marked, built from text nodes only. */
  function quoteWithTime(quote, timeText) {
    const block = el("blockquote", { class: "quote" });
    const at = timeText ? quote.indexOf(timeText) : -1;
    if (at < 0) {
      block.textContent = quote;
    } else {
      block.append(quote.slice(0, at), el("mark", { text: timeText }),
        quote.slice(at + timeText.length));
    }
    return block;
  }

  function articleName(location) {
    const tail = location.replace(/\/+$/, "").split("/").pop();
    return tail || location;
  }

  // One per quoted sentence: a sentence holding two mentions of the event is two sources in
  // the JSON (each with its trigger) but one report to read (timeline.serialize.sentences).
  function sentences(sources) {
    const chosen = new Map();
    for (const src of sources) {
      const key = `${src.article}\u0000${src.sentence_index}`;
      const seen = chosen.get(key);
      if (!seen || (src.time_text && !seen.time_text)) chosen.set(key, src);
    }
    return [...chosen.values()];
  }

  function sourcesPanel(event) {
    const panel = el("div", { class: "details" });
    const list = el("ul", { class: "sources" });
    const quoted = sentences(event.sources);
    for (const src of quoted) {
      // The article by its title, with the file or address it came from beside it.
      const url = src.url || (/^https?:\/\//.test(src.article) ? src.article : null);
      const title = src.article_title || articleName(src.article);
      const name = el("span", { class: "article" },
        url
          ? el("a", { href: url, text: title, rel: "noopener noreferrer", target: "_blank" })
          : el("cite", { text: title }),
        " ",
        el("span", { class: "article-where", text: src.article, title: src.article }));
      list.append(el("li", { class: "source" },
        quoteWithTime(src.quote, src.time_text),
        el("div", { class: "source-meta" },
          name,
          src.published ? el("span", { text: `published ${src.published}` }) : null,
          src.time_text
            ? el("span", { class: "timex" }, "time: ", el("q", { text: src.time_text }),
                src.time_value ? ` → ${src.time_value}` : "")
            : el("span", { class: "timex none", text: "no time expression" }),
        )));
    }
    panel.append(el("h4", { text: `Sources (${quoted.length})` }), list);
    if (event.links && event.links.length) {
      const links = el("ul", { class: "links" });
      for (const link of event.links) {
        const phrase = link.direction === "out"
          ? [el("span", { class: "link-kind", text: link.kind }), " ", link.other_title]
          : [link.other_title, " ", el("span", { class: "link-kind", text: link.kind }), " this"];
        links.append(el("li", {}, ...phrase));
      }
      panel.append(el("h4", { text: "Links" }), links);
    }
    return panel;
  }

  function card(event, extra) {
    const details = sourcesPanel(event);
    details.hidden = true;
    const toggle = el("button", {
      type: "button", class: "event-head", "aria-expanded": "false",
      title: "show sources",
    },
      badges(event),
      el("span", { class: "title", text: event.title }),
      el("span", { class: "meta" },
        event.actors.length ? el("span", { class: "actors", text: event.actors.join(" · ") }) : null,
        el("span", {
          class: "count",
          text: `${sentences(event.sources).length} source${sentences(event.sources).length === 1 ? "" : "s"}`,
        }),
      ),
    );
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      details.hidden = open;
    });
    return el("article", {
      class: "event", "data-id": String(event.id), "data-type": event.type,
      "data-family": FAMILY[event.type] || "other",
    }, extra || null, toggle, details);
  }

  /* --- timeline view ---------------------------------------------------------------------- */

  function filterParams() {
    const form = new FormData($("#filters"));
    const params = {};
    for (const [key, value] of form.entries()) if (String(value).trim()) params[key] = String(value).trim();
    return params;
  }

  function appendEvents(events) {
    const list = $("#timeline");
    for (const event of events) {
      const heading = dayHeading(event);
      if (state.lastDay !== heading.key) {
        state.lastDay = heading.key;
        list.append(el("li", { class: "day", "data-day": heading.key },
          el("h2", { class: "day-label" },
            el("time", { datetime: event.start || "", text: heading.human }),
            heading.iso ? el("span", { class: "iso", text: heading.iso }) : null),
          el("div", { class: "day-events" })));
      }
      list.lastElementChild.querySelector(".day-events").append(card(event));
      state.shown += 1;
    }
  }

  /* Only the latest request may touch the list: a filter changed while a page was on its way
     (a type picked, then an actor typed and applied) must not add the older answer too. */
  let timelineTicket = 0;

  async function loadTimeline(more) {
    const ticket = ++timelineTicket;
    const status = $("#status");
    const params = filterParams();
    if (!more) {
      state.cursor = null;
      state.lastDay = null;
      state.shown = 0;
      $("#timeline").replaceChildren();
      if (state.view === "timeline") {
        const query = new URLSearchParams(params).toString();
        history.replaceState(null, "", query ? `?${query}` : location.pathname);
      }
      loadAxis(params);
    }
    status.textContent = "Loading…";
    status.classList.remove("error");
    $("#timeline").setAttribute("aria-busy", "true");
    try {
      const page = await getJSON("events", { ...params, limit: PAGE_SIZE, cursor: state.cursor });
      if (ticket !== timelineTicket) return; // a newer request owns the list
      appendEvents(page.events);
      state.cursor = page.next_cursor;
      $("#more").hidden = !page.next_cursor;
      const days = document.querySelectorAll("#timeline .day").length;
      status.textContent = state.shown
        ? `${state.shown} event${state.shown === 1 ? "" : "s"} on ${days} date${days === 1 ? "" : "s"}` +
          (page.next_cursor ? " (more below)" : "")
        : "No events match these filters.";
    } catch (error) {
      if (ticket !== timelineTicket) return;
      status.textContent = `Could not load events: ${error.message}`;
      status.classList.add("error");
    } finally {
      if (ticket === timelineTicket) $("#timeline").setAttribute("aria-busy", "false");
    }
  }

  async function loadFacets() {
    try {
      const facets = await getJSON("facets");
      const select = $("#f-type");
      for (const item of facets.types) {
        select.append(el("option", { value: item.type, text: `${item.type} (${item.count})` }));
      }
      $("#actor-list").replaceChildren(...facets.actors.map((a) => el("option", { value: a.name })));
      const params = new URLSearchParams(location.search);
      if (params.get("type")) select.value = params.get("type");
    } catch (error) {
      /* the filters still work as free text without the menus */
    }
  }

  /* --- time axis --------------------------------------------------------------------------- */

  let axisDays = [];

  /** The density of the events the other filters select, whatever the date range, so the
      whole axis stays there to drag over; the summary dates are marked on it. */
  let axisTicket = 0;

  async function loadAxis(params) {
    const ticket = ++axisTicket;
    const { from, to, ...others } = params;
    try {
      const [days, summary] = await Promise.all([
        getJSON("days", others),
        state.marks.length ? null : getJSON("summary"),
      ]);
      if (ticket !== axisTicket) return; // the filters changed meanwhile
      axisDays = days.days;
      if (summary) state.marks = summary.dates.map((d) => d.date);
      drawAxis();
    } catch (error) {
      $("#axis").replaceChildren(el("p", { class: "status error", text: `No axis: ${error.message}` }));
    }
  }

  function drawAxis() {
    const params = filterParams();
    $("#axis-clear").hidden = !(params.from || params.to);
    window.EventlineAxis.draw($("#axis"), {
      days: axisDays,
      marks: state.marks,
      range: { from: params.from || null, to: params.to || null },
      label: "Events per day; drag to choose a range of dates",
      onSelect: (from, to) => {
        $("#f-from").value = from;
        $("#f-to").value = to;
        loadTimeline(false);
      },
    });
  }

  /* --- summary view ------------------------------------------------------------------------- */

  function scoreBar(score) {
    const bar = el("span", { class: "score-bar" });
    bar.style.width = `${Math.round(score * 4)}em`; // CSSOM, which the page's CSP allows
    return bar;
  }

  async function loadSummary() {
    const status = $("#summary-status");
    const list = $("#summary");
    status.classList.remove("error");
    status.textContent = "Picking dates…";
    try {
      const summary = await getJSON("summary");
      state.marks = summary.dates.map((d) => d.date);
      list.replaceChildren(...summary.dates.map((row) => el("li", { class: "summary-day", "data-date": row.date },
        el("h2", { class: "day-label" },
          el("time", { datetime: row.date, text: dayFmt.format(parseDay(row.date)) }),
          el("span", { class: "score", title: "score (best day = 1)" },
            scoreBar(row.score),
            el("span", { class: "iso", text: row.score.toFixed(2) }))),
        el("div", { class: "day-events" }, ...row.events.map((e) => card(e))))));
      status.textContent = summary.dates.length
        ? `${summary.dates.length} dates chosen from the scores (explicit dates, articles, outlets)`
        : "No dated events yet.";
    } catch (error) {
      status.textContent = `Could not pick dates: ${error.message}`;
      status.classList.add("error");
    }
  }

  /* --- story view ------------------------------------------------------------------------- */

  function linkLabel(via, stepOf) {
    const where = stepOf[via.other_id] ? `step ${stepOf[via.other_id]}` : `#${via.other_id}`;
    const other = el("span", { class: "other", text: ` · ${via.other_title}` });
    return via.direction === "out"
      ? [el("span", { class: "link-kind", text: via.kind }), ` ${where}`, other]
      : [`${where} `, el("span", { class: "link-kind", text: via.kind }), " this", other];
  }

  function renderStory(story) {
    const list = $("#story");
    const stepOf = {};
    story.events.forEach((e) => { stepOf[e.id] = e.step; });
    list.replaceChildren();
    for (const event of story.events) {
      const heading = dayHeading(event);
      const connector = event.via
        ? el("div", { class: "connector" }, "↳ ", ...linkLabel(event.via, stepOf))
        : el("div", { class: "connector start", text: event.step === 1 ? "start" : "related by topic" });
      const head = el("div", { class: "step-head" },
        el("span", { class: "step-no", text: String(event.step) }),
        el("time", { datetime: event.start || "", text: heading.human }),
        el("span", { class: "iso", text: event.label }));
      list.append(el("li", { class: "step", "data-step": String(event.step) }, connector, card(event, head)));
    }
    const dated = story.events.filter((e) => e.start);
    const perDay = {};
    for (const e of dated) if (e.precision === "day") perDay[e.start] = (perDay[e.start] || 0) + 1;
    $("#story-axis-panel").hidden = !dated.length;
    window.EventlineAxis.draw($("#story-axis"), {
      days: Object.keys(perDay).sort().map((d) => ({ date: d, events: perDay[d] })),
      chain: dated.map((e) => ({
        date: e.start, step: e.step, kind: e.via ? e.via.kind : null,
        target: e.via ? stepOf[e.via.other_id] : null,
      })),
      label: "The story's steps on the time axis",
    });
  }

  async function showStory(fetcher, describe) {
    const status = $("#story-status");
    status.classList.remove("error");
    status.textContent = "Building story…";
    $("#story").setAttribute("aria-busy", "true");
    try {
      const story = await fetcher();
      renderStory(story);
      status.textContent = describe(story);
    } catch (error) {
      $("#story").replaceChildren();
      $("#story-axis-panel").hidden = true;
      status.textContent = `Could not build the story: ${error.message}`;
      status.classList.add("error");
    } finally {
      $("#story").setAttribute("aria-busy", "false");
    }
  }

  function loadStory(topic) {
    return showStory(() => getJSON("story", { q: topic }), (story) => story.events.length
      ? `${story.events.length} steps in “${story.query}”`
      : `No events about “${story.query}”.`);
  }

  /** A stored story by id: the page a `?story=ID` link opens. */
  function openStory(id) {
    return showStory(() => getJSON(`stories/${encodeURIComponent(id)}`), (story) => {
      const info = story.stories[0];
      return `Story #${info.id}: ${story.events.length} events from ${info.articles} article` +
        `${info.articles === 1 ? "" : "s"}, ${info.start} to ${info.end}`;
    });
  }

  async function loadStoryList() {
    try {
      const found = await getJSON("stories", { limit: 50 });
      $("#story-list").replaceChildren(...found.stories.map((s) => el("li", {},
        el("a", { href: `?story=${s.id}`, "data-story": String(s.id), text: s.title }),
        el("span", { class: "meta", text: ` · ${s.start}${s.end !== s.start ? " – " + s.end : ""} · ${s.events} events, ${s.articles} articles` }))));
      if (!found.stories.length) $("#story-list").append(el("li", { class: "status", text: "No stories yet." }));
    } catch (error) {
      $("#story-list").replaceChildren(el("li", { class: "status error", text: error.message }));
    }
  }

  /* --- wiring ----------------------------------------------------------------------------- */

  function showView(name) {
    state.view = name;
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const active = tab.dataset.view === name;
      tab.setAttribute("aria-selected", String(active));
      $(`#view-${tab.dataset.view}`).hidden = !active;
    }
    if (name === "timeline") drawAxis();
    if (name === "story") loadStoryList();
    if (name === "summary") loadSummary();
  }

  /** The view the address asks for: ?story=ID opens a stored story, ?view=summary|story. */
  function route() {
    const params = new URLSearchParams(location.search);
    const story = params.get("story");
    if (story) {
      showView("story");
      openStory(story);
    } else if (["story", "summary"].includes(params.get("view"))) {
      showView(params.get("view"));
    } else {
      showView("timeline");
    }
  }

  function init() {
    const params = new URLSearchParams(location.search);
    for (const name of ["from", "to", "actor", "q"]) {
      const input = $("#filters").elements[name];
      if (params.get(name)) input.value = params.get(name);
    }
    $("#filters").addEventListener("submit", (e) => { e.preventDefault(); loadTimeline(false); });
    $("#filters").addEventListener("reset", () => setTimeout(() => loadTimeline(false), 0));
    $("#f-type").addEventListener("change", () => loadTimeline(false));
    $("#more").addEventListener("click", () => loadTimeline(true));
    $("#axis-clear").addEventListener("click", () => {
      $("#f-from").value = "";
      $("#f-to").value = "";
      loadTimeline(false);
    });
    $("#story-form").addEventListener("submit", (e) => {
      e.preventDefault();
      history.pushState(null, "", "?view=story");
      loadStory($("#s-q").value.trim());
    });
    $("#story-list").addEventListener("click", (e) => {
      const link = e.target.closest("a[data-story]");
      if (!link) return;
      e.preventDefault();
      history.pushState(null, "", `?story=${link.dataset.story}`);
      openStory(link.dataset.story);
      window.scrollTo(0, 0);
    });
    for (const tab of document.querySelectorAll("[role=tab]")) {
      tab.addEventListener("click", () => {
        if (tab.dataset.view !== state.view) {
          history.pushState(null, "", tab.dataset.view === "timeline" ? location.pathname : `?view=${tab.dataset.view}`);
        }
        showView(tab.dataset.view);
      });
    }
    window.addEventListener("popstate", route);
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => { if (state.view === "timeline") drawAxis(); }, 150);
    });
    route();
    loadFacets().then(() => loadTimeline(false));
  }

  init();
})();
