// The search page of a bulletin site. Finds articles by the words of their title, summary,
// category, tags and byline in the index files the build wrote beside this script, and lists
// them as the site's listings do: the most words found in the title first, then the newest.
// A query is cut into terms exactly as the build cuts articles (src/render/search.rs in
// bulletin): folded to lower case and compatibility forms (NFKD), without accents, and the
// final sigma as any other; runs
// of letters and digits of two characters or more; Chinese and Japanese as pairs of
// neighbouring characters, or a character standing alone (the build indexes every single
// one too). A term of three characters or more also finds the words it begins.
(() => {
  "use strict";
  const root = document.getElementById("search");
  if (!root) return;
  const form = root.querySelector("form");
  const input = form.querySelector("input[name=q]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const more = root.querySelector("[data-search-more]");
  const data = root.dataset;
  const shards = Number(data.shards);
  const perFile = Number(data.perFile);
  const SHOWN = 20;
  const LONGEST_TERM = 40;

  const fold = (text) => text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/ς/g, "σ");
  const letterOrDigit = /^[\p{Alphabetic}\p{N}]$/u;
  const unspaced = (c) => {
    const p = c.codePointAt(0);
    return (p >= 0x3040 && p <= 0x30ff) || (p >= 0x3400 && p <= 0x4dbf) ||
      (p >= 0x4e00 && p <= 0x9fff) || (p >= 0xf900 && p <= 0xfaff) ||
      (p >= 0x20000 && p <= 0x2fa1f);
  };

  function terms(folded) {
    const chars = Array.from(folded);
    const out = [];
    let i = 0;
    while (i < chars.length) {
      if (!letterOrDigit.test(chars[i])) {
        i += 1;
        continue;
      }
      const kind = unspaced(chars[i]);
      let j = i + 1;
      while (j < chars.length && letterOrDigit.test(chars[j]) && unspaced(chars[j]) === kind) j += 1;
      const run = chars.slice(i, j);
      if (kind) {
        if (run.length === 1) out.push(run[0]);
        for (let k = 0; k + 1 < run.length; k += 1) out.push(run[k] + run[k + 1]);
      } else if (run.length >= 2 && run.length <= LONGEST_TERM) {
        out.push(run.join(""));
      }
      i = j;
    }
    return [...new Set(out)];
  }

  // 32-bit FNV-1a of the first three characters' UTF-8 bytes.
  const encoder = new TextEncoder();
  function shardOf(term) {
    let hash = 0x811c9dc5;
    for (const byte of encoder.encode(Array.from(term).slice(0, 3).join(""))) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    return hash % shards;
  }

  // Files of this page's build (a cache may hold another's), each fetched once; one that
  // failed is asked for again next time.
  const files = new Map();
  function fetchJson(name) {
    if (!files.has(name)) {
      const url = `${data.index}${name}?v=${encodeURIComponent(data.version || "")}`;
      files.set(name, fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${name}: ${response.status}`);
        return response.json();
      }).catch((error) => {
        files.delete(name);
        throw error;
      }));
    }
    return files.get(name);
  }

  // The articles a term finds, each with whether it is in the title.
  async function find(term) {
    const entries = await fetchJson(`terms-${shardOf(term)}.json`);
    const prefix = Array.from(term).length >= 3;
    const found = new Map();
    for (const [word, codes] of Object.entries(entries)) {
      if (word !== term && !(prefix && word.startsWith(term))) continue;
      let code = 0;
      for (const difference of codes) {
        code += difference;
        const number = code >> 1;
        found.set(number, (found.get(number) || 0) | (code & 1));
      }
    }
    return found;
  }

  let results = [];
  let shown = 0;
  let current = 0;

  function say(text) {
    status.textContent = text;
  }

  function label(name, n) {
    return (data[name] || "").replace("{n}", String(n));
  }

  async function search(query) {
    const run = ++current;
    list.replaceChildren();
    more.hidden = true;
    results = [];
    shown = 0;
    const wanted = terms(fold(query));
    if (wanted.length === 0) {
      say(query.trim() ? label("labelShort") : "");
      return;
    }
    say(label("labelSearching"));
    try {
      const found = await Promise.all(wanted.map(find));
      if (run !== current) return;
      const [first, ...others] = found;
      const score = new Map();
      for (const [number, inTitle] of first) {
        let total = inTitle;
        let everywhere = true;
        for (const other of others) {
          if (!other.has(number)) {
            everywhere = false;
            break;
          }
          total += other.get(number);
        }
        if (everywhere) score.set(number, total);
      }
      results = [...score.keys()].sort((a, b) => score.get(b) - score.get(a) || b - a);
      if (results.length === 0) {
        say(label("labelNone"));
        return;
      }
      say(label(results.length === 1 ? "labelFoundOne" : "labelFound", results.length));
      await showMore(run);
    } catch (error) {
      if (run === current) say(label("labelError"));
    }
  }

  // Shows the next results; the button waits meanwhile, so a second click adds nothing twice.
  async function showMore(run) {
    const next = results.slice(shown, shown + SHOWN);
    more.disabled = true;
    try {
      const docs = await Promise.all(next.map(async (number) => {
        const file = await fetchJson(`docs-${Math.floor(number / perFile)}.json`);
        return file[number % perFile];
      }));
      if (run !== current) return;
      for (const doc of docs) if (Array.isArray(doc)) list.append(item(doc));
      shown += next.length;
      more.hidden = shown >= results.length;
    } finally {
      more.disabled = false;
    }
  }

  function element(name, className, ...children) {
    const node = document.createElement(name);
    if (className) node.className = className;
    node.append(...children);
    return node;
  }

  function link(href, text) {
    const a = element("a", "", text);
    a.href = href;
    return a;
  }

  function item([url, title, date, iso, section, sectionUrl, summary]) {
    const time = element("time", "", date);
    time.dateTime = iso;
    const meta = element("p", "meta", element("span", "", time), element("span", "", link(sectionUrl, section)));
    const li = element("li", "article-list__item", element("h2", "article-list__title", link(url, title)), meta);
    if (summary) li.append(element("p", "article-list__summary", summary));
    return li;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    const address = new URL(window.location.href);
    address.searchParams.set("q", query);
    // Each search is a step of the history: Back shows the one before.
    if (address.href !== window.location.href) window.history.pushState(null, "", address);
    search(query);
  });
  window.addEventListener("popstate", () => {
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    search(input.value);
  });
  more.addEventListener("click", () => {
    const first = list.children.length;
    const run = current;
    showMore(run).then(() => {
      const link = list.children[first]?.querySelector("a");
      if (link) link.focus();
    }, () => {
      if (run === current) say(label("labelError"));
    });
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
