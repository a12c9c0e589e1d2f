/* eventline time axis: events per day as bars, summary dates marked, a story as its chain.
   Plain JS and SVG; drag (mouse, pen or touch) selects a range of days and calls onSelect.
   Exposes window.EventlineAxis.draw(container, options). */
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  const toDay = (iso) => Math.round(Date.parse(iso + "T00:00:00Z") / DAY);
  const toIso = (day) => new Date(day * DAY).toISOString().slice(0, 10);

  function node(tag, attrs, text) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }

  /** Tick every `step` days, the smallest step whose labels do not overlap. */
  function tickStep(pxPerDay) {
    for (const step of [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826]) {
      if (step * pxPerDay >= 46) return step;
    }
    return 3652;
  }

  /** Tick positions in [lo, hi]: every `step` days from a Monday, or month starts. */
  function ticks(lo, hi, step) {
    const out = [];
    if (step < 30) {
      const monday = lo + ((7 - ((lo + 3) % 7)) % 7); // day 0 (1970-01-01) was a Thursday
      for (let day = step % 7 === 0 ? monday : lo + 1; day <= hi; day += step) out.push(day);
      return out;
    }
    const months = Math.round(step / 30.4);
    const d = new Date(lo * DAY);
    let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
    for (;;) {
      if (m > 11) { y += Math.floor(m / 12); m %= 12; }
      const day = Math.round(Date.UTC(y, m, 1) / DAY);
      if (day > hi) return out;
      if (m % months === 0 || months === 1) out.push(day);
      m += 1;
    }
  }

  function label(day, step) {
    const d = new Date(day * DAY);
    const month = MONTHS[d.getUTCMonth()];
    if (step >= 365) return String(d.getUTCFullYear());
    if (step >= 30) return `${month} ${String(d.getUTCFullYear()).slice(2)}`;
    return `${d.getUTCDate()} ${month}`;
  }

  /**
   * Draw the axis into `container` (its old content is replaced).
   * options: days [{date, events}], marks [iso], chain [{date, step, target, kind}],
   *          range {from, to} (iso or null), onSelect(fromIso|null, toIso|null), label.
   */
  function draw(container, options) {
    const days = options.days || [];
    const marks = options.marks || [];
    const chain = options.chain || [];
    const all = [...days.map((d) => d.date), ...marks, ...chain.map((c) => c.date)];
    container.replaceChildren();
    if (!all.length) {
      container.hidden = true;
      return;
    }
    container.hidden = false;
    const width = Math.max(container.clientWidth || 300, 240);
    const barsH = 64;
    // a story's steps stack per day, one lane each (at most MAX_LANES, then they overlap)
    const MAX_LANES = 8;
    const lane = {};
    const perDate = {};
    for (const c of chain) {
      lane[c.step] = Math.min((perDate[c.date] = (perDate[c.date] || 0) + 1) - 1, MAX_LANES - 1);
    }
    const lanes = chain.length ? Math.max(...Object.values(lane)) + 1 : 0;
    const chainH = chain.length ? 10 + lanes * 16 : 0;
    const top = chainH + 14; // room for the chain and the summary marks
    const height = top + barsH + 22;
    let lo = Math.min(...all.map(toDay));
    let hi = Math.max(...all.map(toDay));
    lo -= 1;
    hi += 1;
    const pad = 8;
    const pxPerDay = (width - 2 * pad) / (hi - lo + 1);
    const x = (day) => pad + (day - lo + 0.5) * pxPerDay;
    const dayAt = (px) => Math.min(hi, Math.max(lo, Math.floor((px - pad) / pxPerDay + lo)));

    const svg = node("svg", {
      class: "axis-svg", width, height, viewBox: `0 0 ${width} ${height}`,
      role: "img", "aria-label": options.label || "Events per day",
    });
    const base = top + barsH;
    svg.append(node("line", { class: "axis-line", x1: pad, x2: width - pad, y1: base, y2: base }));

    // ticks: days (weeks start on Monday), or the first of every month/quarter/year
    const step = tickStep(pxPerDay);
    for (const at of ticks(lo, hi, step)) {
      svg.append(node("line", { class: "tick", x1: x(at), x2: x(at), y1: base, y2: base + 4 }));
      svg.append(node("text", { class: "tick-label", x: x(at), y: base + 16, "text-anchor": "middle" },
        label(at, step)));
    }

    // bars: height grows with the square root of the count, so one busy day does not flatten the rest
    const most = Math.max(1, ...days.map((d) => d.events));
    const barW = Math.max(2, Math.min(18, pxPerDay * 0.8));
    for (const d of days) {
      const h = Math.max(3, Math.sqrt(d.events / most) * (barsH - 6));
      const bar = node("rect", {
        class: "bar", x: x(toDay(d.date)) - barW / 2, y: base - h, width: barW, height: h,
        "data-date": d.date, "data-events": d.events,
      });
      bar.append(node("title", {}, `${d.date}: ${d.events} event${d.events === 1 ? "" : "s"}`));
      svg.append(bar);
    }

    // summary dates
    for (const iso of marks) {
      const cx = x(toDay(iso));
      const mark = node("path", {
        class: "mark", d: `M${cx - 5},${top - 10} L${cx + 5},${top - 10} L${cx},${top - 3} Z`,
        "data-date": iso,
      });
      mark.append(node("title", {}, `summary date ${iso}`));
      svg.append(mark);
    }

    // the story's chain: numbered dots, an arc from each step to the step it links to
    if (chain.length) {
      const y = (c) => 10 + lane[c.step] * 16;
      const at = {};
      chain.forEach((c) => { at[c.step] = c; });
      for (const c of chain) {
        const t = c.target && at[c.target];
        if (!t) continue;
        const x1 = x(toDay(t.date)), y1 = y(t), x2 = x(toDay(c.date)), y2 = y(c);
        // same day: a side arc between lanes; across days: a curve over the gap
        const d = x1 === x2
          ? `M${x1 + 6},${y1} C${x1 + 18},${y1} ${x2 + 18},${y2} ${x2 + 6},${y2}`
          : `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
        const link = node("path", { class: `chain-link k-${c.kind}`, d });
        link.append(node("title", {}, `step ${c.step} ${c.kind} step ${c.target}`));
        svg.append(link);
      }
      for (const c of chain) {
        const g = node("g", { class: "chain-step", "data-step": c.step, "data-date": c.date });
        g.append(node("circle", { cx: x(toDay(c.date)), cy: y(c), r: 6.5 }));
        g.append(node("text", { x: x(toDay(c.date)), y: y(c) + 3.5, "text-anchor": "middle" },
          String(c.step)));
        g.append(node("title", {}, `step ${c.step} · ${c.date}${c.kind ? " · " + c.kind : ""}`));
        svg.append(g);
      }
    }

    // brush: the selected range, and a transparent overlay that takes the drag
    const brush = node("rect", { class: "brush", y: top - 2, height: barsH + 2, x: 0, width: 0 });
    const showRange = (a, b) => {
      if (a === null || b === null) { brush.setAttribute("width", 0); return; }
      const from = Math.max(lo, Math.min(a, b)), to = Math.min(hi, Math.max(a, b));
      brush.setAttribute("x", x(from) - pxPerDay / 2);
      brush.setAttribute("width", Math.max(2, (to - from + 1) * pxPerDay));
    };
    const range = options.range || {};
    showRange(range.from ? toDay(range.from) : null, range.to ? toDay(range.to) : null);
    svg.append(brush);
    if (options.onSelect) {
      const overlay = node("rect", {
        class: "overlay", x: 0, y: 0, width, height: base + 4, "data-testid": "axis-overlay",
      });
      let start = null;
      const localX = (ev) => {
        const box = svg.getBoundingClientRect();
        return (ev.clientX - box.left) * (width / box.width);
      };
      overlay.addEventListener("pointerdown", (ev) => {
        start = localX(ev);
        overlay.setPointerCapture(ev.pointerId);
        showRange(dayAt(start), dayAt(start));
        ev.preventDefault();
      });
      overlay.addEventListener("pointermove", (ev) => {
        if (start !== null) showRange(dayAt(start), dayAt(localX(ev)));
      });
      const finish = (ev) => {
        if (start === null) return;
        const end = localX(ev);
        const a = dayAt(Math.min(start, end)), b = dayAt(Math.max(start, end));
        start = null;
        options.onSelect(toIso(a), toIso(b)); // a click is a one-day range
      };
      overlay.addEventListener("pointerup", finish);
      overlay.addEventListener("pointercancel", () => { start = null; });
      svg.append(overlay);
    }
    container.append(svg);
  }

  window.EventlineAxis = { draw, toIso, toDay };
})();
