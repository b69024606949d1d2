// tailor report: the zoomable treemap. The data is read from the JSON block of the page and
// every name reaches the page through textContent or title, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var area = document.getElementById("treemap-area");
  var crumbs = document.getElementById("crumbs");
  var stack = [data.treemap];

  function colour(layer) {
    return "hsl(" + ((layer * 137.508) % 360).toFixed(1) + ", 62%, 72%)";
  }

  function size(bytes) {
    var units = ["B", "kB", "MB", "GB", "TB"];
    var value = bytes, unit = 0;
    while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit += 1; }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  // Squarified treemap (Bruls, Huizing, van Wijk): rows laid along the shorter side, each row
  // kept while adding a cell makes its worst aspect ratio no worse.
  function worst(row, side, scale) {
    var sum = 0, max = 0, min = Infinity;
    row.forEach(function (item) {
      var a = item.w * scale; sum += a; max = Math.max(max, a); min = Math.min(min, a);
    });
    var s2 = side * side, sum2 = sum * sum;
    return Math.max((s2 * max) / sum2, sum2 / (s2 * min));
  }

  function squarify(items, x, y, w, h) {
    var total = items.reduce(function (t, i) { return t + i.w; }, 0);
    var out = [];
    if (total <= 0) { return out; }
    var scale = (w * h) / total;
    var rest = items.slice();
    while (rest.length) {
      var side = Math.min(w, h);
      var row = [rest.shift()];
      while (rest.length && worst(row.concat([rest[0]]), side, scale) <= worst(row, side, scale)) {
        row.push(rest.shift());
      }
      var rowArea = row.reduce(function (t, i) { return t + i.w * scale; }, 0);
      var thick = rowArea / side;
      var offset = 0;
      row.forEach(function (item) {
        var length = (item.w * scale) / thick;
        if (w >= h) { out.push({ item: item, x: x, y: y + offset, w: thick, h: length }); }
        else { out.push({ item: item, x: x + offset, y: y, w: length, h: thick }); }
        offset += length;
      });
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
      if (w <= 0 || h <= 0) { break; }
    }
    return out;
  }

  function pathOf(depth) {
    var names = stack.slice(1, depth + 1).map(function (n) { return n.n; });
    return "/" + names.join("/");
  }

  function render() {
    var node = stack[stack.length - 1];
    var children = (node.c || []).slice();
    var total = children.reduce(function (t, c) { return t + c.s; }, 0);
    // An empty directory still gets a cell (a sliver), so every entry can be seen and pointed at.
    var items = children.map(function (c) {
      return { node: c, w: Math.max(c.s, total * 0.003, 1) };
    });
    items.sort(function (a, b) { return b.w - a.w; });
    while (area.firstChild) { area.removeChild(area.firstChild); }
    var box = area.getBoundingClientRect();
    var here = pathOf(stack.length - 1);
    squarify(items, 0, 0, box.width, box.height).forEach(function (r) {
      var c = r.item.node;
      var cell = document.createElement("div");
      cell.className = "cell " + (c.k === "d" ? "dir" : c.k === "g" ? "group" : "file");
      cell.style.left = r.x + "px"; cell.style.top = r.y + "px";
      cell.style.width = Math.max(r.w, 0) + "px"; cell.style.height = Math.max(r.h, 0) + "px";
      cell.style.background = colour(c.l);
      var full = (here === "/" ? "/" : here + "/") + c.n;
      cell.setAttribute("data-path", c.k === "g" ? here : full);
      cell.setAttribute("data-bytes", String(c.s));
      cell.title = (c.k === "g" ? here + ": " + c.n : full) + "\n" + size(c.s) +
        " (" + c.s + " bytes), layer " + c.l + (c.m ? ", " + c.m + " entries" : "");
      var label = document.createElement("span");
      label.textContent = c.n;
      var amount = document.createElement("span");
      amount.className = "size";
      amount.textContent = size(c.s);
      cell.appendChild(label); cell.appendChild(amount);
      if (c.k === "d" && c.c && c.c.length) {
        cell.addEventListener("click", function () { stack.push(c); render(); });
      }
      area.appendChild(cell);
    });
    while (crumbs.firstChild) { crumbs.removeChild(crumbs.firstChild); }
    stack.forEach(function (n, depth) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = depth === 0 ? "/" : n.n;
      b.addEventListener("click", function () { stack = stack.slice(0, depth + 1); render(); });
      crumbs.appendChild(b);
    });
    var info = document.createElement("span");
    info.className = "muted";
    info.textContent = " " + size(node.s) + " in " + pathOf(stack.length - 1) +
      (stack.length > 1 ? " (Backspace goes up)" : " (click a directory to zoom in)");
    crumbs.appendChild(info);
  }

  document.addEventListener("keydown", function (event) {
    if ((event.key === "Backspace" || event.key === "Escape") && stack.length > 1) {
      stack.pop(); render();
    }
  });
  window.addEventListener("resize", render);
  render();
  document.body.setAttribute("data-treemap", "ready");
})();
