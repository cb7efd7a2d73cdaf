/**
 * The KPI page's drawing functions, as the browser runs them: plain JavaScript function
 * declarations in one string, inlined into the page's script (render.ts) and run by the unit tests
 * in a `node:vm` context, so the text tested is the text shipped (a TypeScript function's
 * `toString()` would depend on the bundler's renaming and helpers). They are pure: strings in,
 * SVG and HTML strings out, no DOM and no clock; every text from the API goes through `esc`.
 *
 * Money arrives as the API writes it ("1234.50", "-12.00") and is formatted from the string, never
 * through a float; numbers are used only for bar lengths. Charts are sized by a viewBox 360 units
 * wide (a phone's width) and scale with the page; each has a title and a description for screen
 * readers and a table beside it with the same figures.
 */

/** The names the string declares (the unit tests and the page script call them). */
export const CHART_FUNCTIONS = [
  'esc',
  'money',
  'moneyData',
  'count',
  'rate',
  'monthLabel',
  'barChart',
  'monthChart',
  'rateChart',
  'kpiTable',
] as const;

export const CHARTS_JS = String.raw`
function esc(value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}
function money(amount) {
  if (amount === null || amount === undefined) return '—';
  var text = String(amount);
  var negative = text.charAt(0) === '-';
  var parts = (negative ? text.slice(1) : text).split('.');
  var dollars = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-$' : '$') + dollars + (parts.length > 1 ? '.' + parts[1] : '');
}
function moneyData(amount) {
  if (amount === null || amount === undefined) return '<data value="">—</data>';
  return '<data value="' + esc(amount) + '">' + esc(money(amount)) + '</data>';
}
function count(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
function rate(r) {
  return r === null || r === undefined ? '—' : String(r) + '%';
}
var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function monthLabel(key) {
  var m = /^(\d{4})-(\d{2})$/.exec(String(key));
  return m ? MONTHS[Number(m[2]) - 1] + ' ' + m[1] : String(key);
}
function svgOpen(id, width, height, title, desc) {
  return '<svg id="' + esc(id) + '" role="img" viewBox="0 0 ' + width + ' ' + height + '" width="100%"' +
    ' aria-labelledby="' + esc(id) + '-title ' + esc(id) + '-desc" font-family="system-ui, sans-serif" font-size="11">' +
    '<title id="' + esc(id) + '-title">' + esc(title) + '</title><desc id="' + esc(id) + '-desc">' + esc(desc) + '</desc>';
}
function barChart(id, title, rows, colour) {
  var width = 360;
  var rowHeight = 30;
  var height = Math.max(1, rows.length) * rowHeight + 8;
  var max = 0;
  rows.forEach(function (r) { max = Math.max(max, Math.abs(Number(r.value))); });
  var desc = rows.length === 0 ? 'No data in this range.' : rows.map(function (r) { return r.label + ': ' + r.text; }).join('; ');
  var out = svgOpen(id, width, height, title, desc);
  if (rows.length === 0) {
    out += '<text x="0" y="20" fill="#4a4a4a">No data in this range.</text>';
  }
  rows.forEach(function (r, i) {
    var y = i * rowHeight;
    var length = max === 0 ? 0 : Math.round((Math.abs(Number(r.value)) / max) * width);
    out += '<g class="bar" data-key="' + esc(r.label) + '">' +
      '<text x="0" y="' + (y + 11) + '" fill="#1b1b1b">' + esc(r.label) + '</text>' +
      '<text x="' + width + '" y="' + (y + 11) + '" text-anchor="end" fill="#1b1b1b">' + esc(r.text) + '</text>' +
      '<rect x="0" y="' + (y + 15) + '" width="' + Math.max(length, 1) + '" height="10" fill="' + colour + '"></rect></g>';
  });
  return out + '</svg>';
}
function monthChart(id, title, groups) {
  var width = 360;
  var height = 200;
  var left = 52;
  var bottom = 170;
  var top = 12;
  var max = 0;
  groups.forEach(function (g) { max = Math.max(max, Number(g.billed), Number(g.allowed)); });
  var desc = groups.length === 0 ? 'No data in this range.' : groups.map(function (g) {
    return monthLabel(g.key) + ': billed ' + money(g.billed) + ', allowed ' + money(g.allowed);
  }).join('; ');
  var out = svgOpen(id, width, height + 24, title, desc);
  var scale = function (v) { return max === 0 ? 0 : ((bottom - top) * Number(v)) / max; };
  for (var t = 0; t <= 4; t++) {
    var value = (max * t) / 4;
    var y = bottom - scale(value);
    out += '<line x1="' + left + '" x2="' + width + '" y1="' + y + '" y2="' + y + '" stroke="#d5dae1"></line>' +
      '<text x="' + (left - 4) + '" y="' + (y + 4) + '" text-anchor="end" fill="#4a4a4a">' + esc(money(String(Math.round(value)))) + '</text>';
  }
  var slot = groups.length === 0 ? 0 : (width - left) / groups.length;
  var bar = Math.max(1, Math.min(18, slot / 2 - 2));
  groups.forEach(function (g, i) {
    var x = left + i * slot + slot / 2;
    var hb = scale(g.billed);
    var ha = scale(g.allowed);
    out += '<g class="month" data-key="' + esc(g.key) + '">' +
      '<rect x="' + (x - bar - 1) + '" y="' + (bottom - hb) + '" width="' + bar + '" height="' + hb + '" fill="#5b6b7f"></rect>' +
      '<rect x="' + (x + 1) + '" y="' + (bottom - ha) + '" width="' + bar + '" height="' + ha + '" fill="#0a6e4f"></rect>';
    // The month's abbreviation under its bars (at most six, so they never overlap on a phone), and
    // the year under the first month and under each January.
    var m = /^(\d{4})-(\d{2})$/.exec(String(g.key));
    if (groups.length <= 6 || i % Math.ceil(groups.length / 6) === 0) {
      out += '<text x="' + x + '" y="' + (bottom + 14) + '" text-anchor="middle" fill="#1b1b1b">' + esc(m ? MONTHS[Number(m[2]) - 1] : g.key) + '</text>';
    }
    if (m && (i === 0 || m[2] === '01')) {
      out += '<text x="' + x + '" y="' + (bottom + 26) + '" text-anchor="middle" fill="#4a4a4a">' + m[1] + '</text>';
    }
    out += '</g>';
  });
  out += '<rect x="' + left + '" y="' + (height + 12) + '" width="10" height="10" fill="#5b6b7f"></rect>' +
    '<text x="' + (left + 14) + '" y="' + (height + 21) + '" fill="#1b1b1b">Billed</text>' +
    '<rect x="' + (left + 70) + '" y="' + (height + 12) + '" width="10" height="10" fill="#0a6e4f"></rect>' +
    '<text x="' + (left + 84) + '" y="' + (height + 21) + '" fill="#1b1b1b">Allowed</text>';
  return out + '</svg>';
}
function rateChart(id, title, groups) {
  var width = 360;
  var height = 160;
  var left = 40;
  var bottom = 140;
  var top = 10;
  var max = 0;
  groups.forEach(function (g) { if (g.savingsRate !== null) max = Math.max(max, Number(g.savingsRate)); });
  max = Math.max(10, Math.ceil(max / 10) * 10);
  var desc = groups.length === 0 ? 'No data in this range.' : groups.map(function (g) {
    return monthLabel(g.key) + ': ' + rate(g.savingsRate);
  }).join('; ');
  var out = svgOpen(id, width, height + 4, title, desc);
  for (var t = 0; t <= 2; t++) {
    var v = (max * t) / 2;
    var y = bottom - ((bottom - top) * v) / max;
    out += '<line x1="' + left + '" x2="' + width + '" y1="' + y + '" y2="' + y + '" stroke="#d5dae1"></line>' +
      '<text x="' + (left - 4) + '" y="' + (y + 4) + '" text-anchor="end" fill="#4a4a4a">' + v + '%</text>';
  }
  var slot = groups.length === 0 ? 0 : (width - left) / groups.length;
  var points = [];
  groups.forEach(function (g, i) {
    if (g.savingsRate === null) return;
    var x = left + i * slot + slot / 2;
    var y = bottom - ((bottom - top) * Number(g.savingsRate)) / max;
    points.push(x + ',' + y);
    out += '<circle class="point" data-key="' + esc(g.key) + '" cx="' + x + '" cy="' + y + '" r="3" fill="#0a4fa8"></circle>';
  });
  if (points.length > 1) out += '<polyline points="' + points.join(' ') + '" fill="none" stroke="#0a4fa8" stroke-width="2"></polyline>';
  return out + '</svg>';
}
function kpiTable(name, caption, columns, rows) {
  var out = '<div class="scroll" role="region" tabindex="0" aria-label="' + esc(caption) + '">' +
    '<table data-kpi="' + esc(name) + '"><caption>' + esc(caption) + '</caption><thead><tr>';
  columns.forEach(function (c) { out += '<th scope="col">' + esc(c.label) + '</th>'; });
  out += '</tr></thead><tbody>';
  if (rows.length === 0) {
    out += '<tr><td colspan="' + columns.length + '">None in this range.</td></tr>';
  }
  rows.forEach(function (row) {
    out += '<tr>';
    columns.forEach(function (c, i) {
      var v = row[c.field];
      var cell = c.kind === 'money' ? moneyData(v) : c.kind === 'count' ? '<data value="' + esc(v) + '">' + esc(count(v)) + '</data>'
        : c.kind === 'rate' ? '<data value="' + esc(v === null ? '' : v) + '">' + esc(rate(v)) + '</data>'
        : c.kind === 'month' ? esc(monthLabel(v)) : esc(v);
      out += i === 0
        ? '<th scope="row" data-field="' + esc(c.field) + '" data-value="' + esc(v) + '">' + cell + '</th>'
        : '<td data-field="' + esc(c.field) + '">' + cell + '</td>';
    });
    out += '</tr>';
  });
  return out + '</tbody></table></div>';
}
`;
