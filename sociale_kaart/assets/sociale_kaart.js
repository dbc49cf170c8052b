/* sociale-kaart: draws the buurten of one map from the embedded JSON (no network, no libraries
 * beyond the inlined Leaflet). Every text from input files is escaped before it reaches the DOM. */
(function () {
  "use strict";

  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function nl(value, decimals) {
    return value.toLocaleString("nl-NL", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  // Case- and accent-insensitive form of a name, for the search.
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // Arcs are delta-encoded integers (degrees * 1e5) in one flat list; arc i holds points
  // offsets[i] .. offsets[i + 1]. A ring is a list of arc references, ~i meaning arc i backwards.
  // Shared borders use one arc, so neighbours match exactly.
  function decodeArcs(flat, offsets, scale) {
    var arcs = [];
    for (var a = 0; a + 1 < offsets.length; a++) {
      var points = [], x = 0, y = 0;
      for (var i = offsets[a]; i < offsets[a + 1]; i++) {
        x += flat[2 * i]; y += flat[2 * i + 1];
        points.push([y / scale, x / scale]);
      }
      arcs.push(points);
    }
    return arcs;
  }

  function ring(arcs, refs) {
    var out = [];
    refs.forEach(function (ref, n) {
      var arc = ref >= 0 ? arcs[ref] : arcs[~ref].slice().reverse();
      out = out.concat(n === 0 ? arc : arc.slice(1));
    });
    return out;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  window.socialeKaart = function (elementId, data) {
    var S = data.stijl, T = data.teksten;
    var arcs = decodeArcs(data.arcs, data.arc_offsets, data.scale);
    var f = data.buurten;
    var indicators = data.indicatoren;
    var gemeenten = data.gemeenten;
    var several = gemeenten.length > 1;
    var flagged = !!(f.aandacht && f.aandacht.some(Boolean));
    var active = 0;
    var PATTERN = { "-1": "sk-ontbreekt", "-2": "sk-onderdrukt" };

    var map = L.map(elementId, { zoomControl: false, zoomSnap: 0.25, maxZoom: 18 });
    var container = map.getContainer();
    if (data.achtergrond) {
      L.tileLayer(data.achtergrond.url, { attribution: data.achtergrond.attributie, maxZoom: 19 }).addTo(map);
    }

    // --- panels -------------------------------------------------------------------------
    function control(position, element) {
      var ctl = L.control({ position: position });
      ctl.onAdd = function () {
        L.DomEvent.disableClickPropagation(element);
        L.DomEvent.disableScrollPropagation(element);
        return element;
      };
      return ctl.addTo(map);
    }

    var header = document.getElementById("sk-header") || L.DomUtil.create("div", "sk-header");
    var source = (header.querySelector("p") || header).textContent;
    var narrow = window.matchMedia("(max-width: 640px)");
    function small() { return narrow.matches && !L.DomUtil.hasClass(document.body, "sk-afdrukken"); }
    L.DomUtil.addClass(header, "leaflet-control");
    control("topleft", header);

    // One panel with two sections (search; indicator and display), the legend, and a row of
    // buttons that on a narrow screen opens one of them at a time (see the CSS).
    var panel = L.DomUtil.create("div", "sk-panel");
    var html = "<div class='sk-sectie' id='sk-sectie-zoek'><form class='sk-search' role='search' aria-label='Zoek een buurt'>" +
      "<label for='sk-zoek'>Zoek buurt of wijk" + (several ? " of gemeente" : "") + "</label>" +
      "<div class='sk-search-row'><input id='sk-zoek' type='search' autocomplete='off' spellcheck='false' placeholder='buurt- of wijknaam'>" +
      "<button type='submit'>Zoek</button></div>" +
      "<div class='sk-search-status' role='status' aria-live='polite'></div><ul class='sk-search-results' aria-label='Gevonden buurten'></ul></form></div>";
    html += "<div class='sk-sectie' id='sk-sectie-indicator'>";
    html += "<fieldset class='sk-indicators'" + (indicators.length < 2 ? " hidden" : "") + "><legend>Indicator</legend>";
    indicators.forEach(function (ind, n) {
      html += "<label><input type='radio' name='sk-indicator' value='" + n + "' data-indicator='" + esc(ind.key) + "'" +
        (n === active ? " checked" : "") + "> " + esc(ind.label) + "<span class='sk-unit sk-unit-line'>" + esc(ind.eenheid) + "</span></label>";
    });
    html += "</fieldset><fieldset class='sk-toggles'><legend>Tonen</legend>" +
      "<label><input type='checkbox' id='sk-toon-wijkgrenzen' checked> " + esc(data.grenslabels[1]) + "</label>" +
      (flagged ? "<label><input type='checkbox' id='sk-toon-aandacht' checked> Aandachtsbuurten</label>" : "") +
      "</fieldset><div class='sk-acties'><button type='button' class='sk-open-tabel' aria-haspopup='dialog'>Tabel van alle buurten</button>" +
      "<button type='button' class='sk-print'>Afdrukken</button></div></div>";
    panel.innerHTML = html;
    control("topright", panel);

    var legendDiv = L.DomUtil.create("section", "sk-legend");
    legendDiv.id = "sk-legenda";
    legendDiv.setAttribute("aria-label", "Legenda");
    control("bottomright", legendDiv);
    L.control.zoom({ position: "bottomleft", zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);

    var buttons = L.DomUtil.create("div", "sk-knoppen");
    buttons.setAttribute("role", "group");
    buttons.setAttribute("aria-label", "Panelen");
    buttons.innerHTML = "<button type='button' data-sectie='zoek' aria-controls='sk-sectie-zoek' aria-expanded='false'>Zoeken</button>" +
      "<button type='button' data-sectie='indicator' aria-controls='sk-sectie-indicator' aria-expanded='false'>Indicator</button>" +
      "<button type='button' data-sectie='legenda' aria-controls='sk-legenda' aria-expanded='false'>Legenda</button>" +
      "<button type='button' class='sk-open-tabel' aria-haspopup='dialog'>Tabel</button>";
    control("bottomleft", buttons);

    function symbolHtml(code) {
      return "<span class='sk-teken-icoon' aria-hidden='true' style='background:" + esc(S.aandacht_kleur) + ";border-color:" + esc(S.aandacht_tussenkleur) +
        ";color:" + esc(S.aandacht_tussenkleur) + ";width:" + S.aandacht_teken_grootte + "px;height:" + S.aandacht_teken_grootte + "px'" +
        (code ? " data-buurtcode='" + esc(code) + "'" : "") + ">" + esc(S.aandacht_teken) + "</span>";
    }

    function swatchLine(colour, width, extra) {
      return "<span class='sk-line' aria-hidden='true' style='border-top:" + width + "px " + (extra || "solid") + " " + esc(colour) + "'></span>";
    }

    function updateLegend() {
      var ind = indicators[active];
      var out = "<h2 class='sk-legend-title' data-indicator='" + esc(ind.key) + "'>" + esc(ind.label) + "</h2>";
      out += "<div class='sk-legend-unit'>" + esc(ind.eenheid) + " (" + esc(ind.indeling) + ")" +
        (ind.richting ? "<br>" + esc(ind.richting) : "") + "</div>";
      ind.labels.forEach(function (label, n) {
        out += "<div class='sk-row'><span class='sk-swatch' aria-hidden='true' style='background:" + esc(ind.kleuren[n]) + "'></span>" + esc(label) + "</div>";
      });
      out += "<div class='sk-row'><span class='sk-swatch sk-swatch-ontbreekt' aria-hidden='true'></span>" + esc(T.ontbreekt) + "</div>";
      out += "<div class='sk-row'><span class='sk-swatch sk-swatch-onderdrukt' aria-hidden='true'></span>" + esc(T.onderdrukt) + "</div>";
      if (flagged) {
        // The same band as on the map (purple dashes, white gaps, a white inner edge) and the same symbol.
        var w = S.aandacht_breedte, inner = w + 2;
        out += "<div class='sk-row sk-legend-aandacht'><svg class='sk-swatch-svg' width='30' height='20' aria-hidden='true'>" +
          "<rect x='0.5' y='0.5' width='29' height='19' fill='" + esc(ind.kleuren[ind.kleuren.length - 1] || "#ffffff") + "' stroke='#777777'/>" +
          "<rect x='" + (1 + inner / 2) + "' y='" + (1 + inner / 2) + "' width='" + (28 - inner) + "' height='" + (18 - inner) +
          "' fill='none' stroke='" + esc(S.aandacht_tussenkleur) + "' stroke-width='" + inner + "'/>" +
          "<rect x='" + (1 + w / 2) + "' y='" + (1 + w / 2) + "' width='" + (28 - w) + "' height='" + (18 - w) +
          "' fill='none' stroke='" + esc(S.aandacht_kleur) + "' stroke-width='" + w + "' stroke-dasharray='" + esc(S.aandacht_streep.join(" ")) + "'/>" +
          "</svg>" + symbolHtml("") + "<span>aandachtsbuurt<br><span class='sk-unit'>paarse binnenrand en " +
          esc(S.aandacht_teken) + "-teken</span></span></div>";
      }
      out += "<div class='sk-row sk-legend-wijkgrens'>" + swatchLine(S.wijkgrens_kleur, 2) + esc(data.grenslabels[0]) + "</div>";
      if (several) {
        out += "<div class='sk-row'>" + swatchLine(S.gemeentegrens_kleur, 3) + "gemeentegrens</div>";
      }
      if (found.length) {
        out += "<div class='sk-row'>" + swatchLine(S.zoek_kleur, 3) + "zoekresultaat</div>";
      }
      out += "<p class='sk-legend-bron'>" + esc(source) + "</p>";
      legendDiv.innerHTML = out;
      fitPanel();
    }

    // Padding for fitBounds that keeps the buurten clear of every panel: each panel is kept out
    // by the side (left/right or top/bottom) that costs least, trying every combination.
    function viewPadding(bounds) {
      var box = container.getBoundingClientRect();
      var size = map.getSize();
      var margin = 8;
      var panels = [];
      container.querySelectorAll(".leaflet-control").forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width || !r.height || getComputedStyle(el).display === "none") { return; }
        panels.push({ left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top });
      });
      var best = null;
      for (var combo = 0; combo < (1 << panels.length); combo++) {
        var pad = { top: margin, left: margin, bottom: margin, right: margin };
        panels.forEach(function (p, n) {
          var horizontal = (combo >> n) & 1;
          var cx = (p.left + p.right) / 2, cy = (p.top + p.bottom) / 2;
          if (horizontal) {
            if (cx < size.x / 2) { pad.left = Math.max(pad.left, p.right + margin); } else { pad.right = Math.max(pad.right, size.x - p.left + margin); }
          } else if (cy < size.y / 2) {
            pad.top = Math.max(pad.top, p.bottom + margin);
          } else {
            pad.bottom = Math.max(pad.bottom, size.y - p.top + margin);
          }
        });
        if (size.x - pad.left - pad.right < 80 || size.y - pad.top - pad.bottom < 80) { continue; }
        var zoom = map.getBoundsZoom(bounds, false, L.point(pad.left + pad.right, pad.top + pad.bottom));
        if (!best || zoom > best.zoom) { best = { zoom: zoom, pad: pad }; }
      }
      var pad = best ? best.pad : { top: margin, left: margin, bottom: margin, right: margin };
      return { paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom] };
    }

    // Without tiles the view may take any zoom, so that the buurten fill the free room.
    var snap = map.options.zoomSnap;
    function fit(bounds, maxZoom, still) {
      var options = viewPadding(bounds);
      if (maxZoom) { options.maxZoom = maxZoom; }
      if (still) { options.animate = false; }
      if (!data.achtergrond) { map.options.zoomSnap = 0.01; }
      map.fitBounds(bounds, options);
      map.options.zoomSnap = snap;
    }

    // The panel scrolls rather than run under the legend (on a narrow screen the CSS decides).
    function fitPanel() {
      if (small()) { panel.style.maxHeight = ""; return; }
      var free = map.getSize().y - legendDiv.offsetHeight - 50;
      panel.style.maxHeight = Math.max(120, free) + "px";
    }
    map.on("resize", fitPanel);

    var found = [];
    updateLegend();
    fit(L.latLngBounds(data.bounds));

    // --- buurten ------------------------------------------------------------------------
    // Line weights follow the zoom, so that a whole-country map shows colours, not borders.
    function buurtWeight() {
      var z = map.getZoom();
      return z < 9 ? 0.15 : (z < 11 ? 0.35 : 0.7);
    }

    function styleFor(i) {
      var ind = indicators[active], cls = ind.klasse[i];
      var style = { weight: buurtWeight(), color: S.buurtgrens_kleur, opacity: 0.9, fillOpacity: 0.85 };
      style.fillColor = cls >= 0 ? ind.kleuren[cls] : (cls === -2 ? data.kleur_onderdrukt : data.kleur_ontbreekt);
      return style;
    }

    function valueText(ind, i) {
      var cls = ind.klasse[i];
      if (cls === -2) { return esc(T.onderdrukt); }
      if (cls === -1 || ind.waarde[i] === null) { return esc(T.ontbreekt); }
      var name = ind.klassenamen && ind.klassenamen[Math.round(ind.waarde[i]) - 1];
      if (name) { return esc(name); }  // an ordered class: "9 uitstekend"
      return nl(ind.waarde[i], ind.decimalen) + " " + esc(ind.eenheid);
    }

    function wijkText(i) {
      return esc(f.wijk[i]) + (several ? " (" + esc(gemeenten[f.gemeente[i]]) + ")" : "");
    }

    function tooltip(i) {
      var out = "<div class='sk-tip'><strong>" + esc(f.naam[i]) + "</strong> <span class='sk-code'>" + esc(f.code[i]) + "</span>";
      out += "<br><span class='sk-tip-wijk'>Wijk: " + wijkText(i) + "</span><table>";
      indicators.forEach(function (ind, n) {
        out += "<tr" + (n === active ? " class='sk-active'" : "") + "><td>" + esc(ind.label) + "</td><td data-indicator='" + esc(ind.key) + "'>" + valueText(ind, i) + "</td></tr>";
      });
      out += "</table>";
      if (f.zonder_cijfers && f.zonder_cijfers[i]) {
        out += "<div class='sk-reden'>Geen cijfers: deze buurtcode staat niet in de kerncijfers (zie het koppelrapport).</div>";
      }
      if (f.aandacht && f.aandacht[i]) {
        out += "<div class='sk-reden sk-reden-aandacht'><strong>Aandachtsbuurt:</strong> " + esc(f.reden[i]) + "</div>";
      }
      return out + "</div>";
    }

    var renderer = L.svg({ padding: 0.5 });
    var shapes = [], latlngsOf = [];
    data.vormen.forEach(function (polygons, i) {
      var latlngs = polygons.map(function (rings) { return rings.map(function (refs) { return ring(arcs, refs); }); });
      latlngsOf.push(latlngs);
      if (!polygons.length) { shapes.push(null); return; }  // collapsed below the grid
      var shape = L.polygon(latlngs, Object.assign({ renderer: renderer, className: "sk-buurt" }, styleFor(i)));
      shape.bindTooltip(function () { return tooltip(i); }, { sticky: true, direction: "auto" });
      shape.addTo(map);
      var path = shape.getElement();
      path.setAttribute("data-buurtcode", f.code[i]);
      path.setAttribute("id", "sk-b" + i);
      path.setAttribute("clip-rule", "evenodd");
      shapes.push(shape);
    });

    function applyPatterns() {
      var ind = indicators[active];
      shapes.forEach(function (shape, i) {
        var path = shape && shape.getElement();
        if (!path) { return; }
        path.classList.remove("sk-ontbreekt", "sk-onderdrukt");
        var cls = ind.klasse[i];
        if (cls < 0) { path.classList.add(PATTERN[String(cls)]); }
      });
    }

    // Aandachtsbuurten: a dashed band on white, clipped to the buurt itself so that only its inner
    // half shows (a line inside the buurt, never on the border), and a symbol well inside.
    var halos = [], symbols = [];
    if (flagged) {
      var svg = renderer._container;
      var defs = document.createElementNS(SVG_NS, "defs");
      svg.insertBefore(defs, svg.firstChild);
      // Strokes are centred on the border and clipped to the buurt: half of each shows, inside.
      shapes.forEach(function (shape, i) {
        if (!shape || !f.aandacht[i]) { return; }
        var clip = document.createElementNS(SVG_NS, "clipPath");
        clip.setAttribute("id", "sk-clip" + i);
        var use = document.createElementNS(SVG_NS, "use");
        use.setAttribute("href", "#sk-b" + i);
        clip.appendChild(use);
        defs.appendChild(clip);
        [{ color: S.aandacht_tussenkleur, dashArray: null, weight: 2 * (S.aandacht_breedte + 2) },
         { color: S.aandacht_kleur, dashArray: S.aandacht_streep.join(" "), weight: 2 * S.aandacht_breedte }].forEach(function (look) {
          var halo = L.polygon(latlngsOf[i], {
            renderer: renderer, interactive: false, fill: false, weight: look.weight, opacity: 1,
            color: look.color, dashArray: look.dashArray, lineCap: "butt", lineJoin: "round", className: "sk-aandacht sk-halo"
          }).addTo(map);
          halo.getElement().setAttribute("clip-path", "url(#sk-clip" + i + ")");
          halo.getElement().setAttribute("data-buurtcode", f.code[i]);
          halo.skWeight = look.weight;
          halos.push(halo);
        });
        var point = f.teken[i];
        if (point) {
          var size = S.aandacht_teken_grootte;
          var marker = L.marker(point, {
            interactive: false, keyboard: false,
            icon: L.divIcon({
              className: "sk-aandacht sk-teken", iconSize: [size, size],
              html: symbolHtml(f.code[i])
            })
          }).addTo(map);
          marker.skIndex = i;
          symbols.push(marker);
        }
      });
    }

    function lines(refs, style, className) {
      if (!refs.length) { return null; }
      return L.polyline(refs.map(function (r) { return arcs[r]; }),
        Object.assign({ renderer: renderer, interactive: false, className: className }, style)).addTo(map);
    }
    var wijkLines = lines(data.wijkgrenzen, { color: S.wijkgrens_kleur, weight: S.wijkgrens_breedte, opacity: 0.9 }, "sk-wijkgrens");
    var gemeenteLines = lines(data.gemeentegrenzen, { color: S.gemeentegrens_kleur, weight: S.gemeentegrens_breedte, opacity: 1 }, "sk-gemeentegrens");
    var searchLayer = L.layerGroup().addTo(map);

    function restyle() {
      var z = map.getZoom();
      shapes.forEach(function (shape, i) { if (shape) { shape.setStyle(styleFor(i)); } });
      // Whole country zoomed out: wijk borders and symbols would only hide the colours, and the
      // band of an aandachtsbuurt is drawn thinner.
      var far = z < 10 && shapes.length > 500;
      L.DomUtil[far ? "addClass" : "removeClass"](container, "sk-ver-weg");
      halos.forEach(function (halo) { halo.setStyle({ weight: far ? halo.skWeight / 2.5 : halo.skWeight }); });
      if (wijkLines) { wijkLines.setStyle({ weight: z < 12 ? S.wijkgrens_breedte * 0.65 : S.wijkgrens_breedte }); }
      if (gemeenteLines) {
        var g = S.gemeentegrens_breedte;
        gemeenteLines.setStyle({ weight: z < 9 ? g * 0.3 : (z < 11 ? g * 0.55 : g) });
      }
      applyPatterns();
      scaleSymbols();
    }

    // A symbol never grows beyond its buurt on screen, so that small buurten do not pile them up.
    function scaleSymbols() {
      symbols.forEach(function (marker) {
        var i = marker.skIndex, box = shapes[i].getBounds();
        var a = map.latLngToContainerPoint(box.getNorthWest()), b = map.latLngToContainerPoint(box.getSouthEast());
        var room = Math.min(Math.abs(b.x - a.x), Math.abs(b.y - a.y));
        var size = Math.round(Math.max(10, Math.min(S.aandacht_teken_grootte, room * 0.5)));
        var outer = marker.getElement();
        if (!outer) { return; }
        var inner = outer.firstChild;
        outer.style.width = outer.style.height = size + "px";
        outer.style.marginLeft = outer.style.marginTop = (-size / 2) + "px";
        inner.style.width = inner.style.height = size + "px";
        inner.style.fontSize = Math.max(8, Math.round(size * 0.6)) + "px";
        inner.style.borderWidth = (size < 14 ? 1 : 2) + "px";
      });
    }

    // --- search -------------------------------------------------------------------------
    var input = panel.querySelector("#sk-zoek");
    var status = panel.querySelector(".sk-search-status");
    var results = panel.querySelector(".sk-search-results");
    var foldedNames = f.naam.map(fold), foldedWijken = f.wijk.map(fold), foldedGemeenten = gemeenten.map(fold);

    var searchBounds = null;
    function clearSearch() {
      searchBounds = null;
      found.forEach(function (i) { var p = shapes[i].getElement(); if (p) { p.classList.remove("sk-gevonden"); } });
      found = [];
      searchLayer.clearLayers();
      L.DomUtil.removeClass(container, "sk-gedimd");
      status.textContent = "";
      results.innerHTML = "";
    }

    function search(query, zoom) {
      clearSearch();
      var q = fold(query);
      if (!q) { updateLegend(); return []; }
      var code = /^bu\d/.test(q) ? q.replace(/\s/g, "").toUpperCase() : null;
      var inGemeente = foldedGemeenten.map(function (name) { return several && name.indexOf(q) >= 0; });
      shapes.forEach(function (shape, i) {
        if (!shape) { return; }
        if (code ? f.code[i].indexOf(code) === 0
          : (foldedNames[i].indexOf(q) >= 0 || foldedWijken[i].indexOf(q) >= 0 || inGemeente[f.gemeente[i]])) { found.push(i); }
      });
      if (!found.length) {
        status.textContent = "Geen buurt of wijk gevonden met \u2018" + query.trim() + "\u2019.";
        updateLegend();
        return [];
      }
      status.textContent = nl(found.length, 0) + (found.length === 1 ? " buurt gevonden" : " buurten gevonden");
      L.DomUtil.addClass(container, "sk-gedimd");
      var bounds = L.latLngBounds([]);
      searchBounds = bounds;
      found.forEach(function (i) {
        shapes[i].getElement().classList.add("sk-gevonden");
        bounds.extend(shapes[i].getBounds());
        [{ color: "#ffffff", weight: S.zoek_breedte + 3 }, { color: S.zoek_kleur, weight: S.zoek_breedte }].forEach(function (look) {
          L.polygon(latlngsOf[i], Object.assign({ renderer: renderer, interactive: false, fill: false, opacity: 1, className: "sk-zoek" }, look)).addTo(searchLayer);
        });
      });
      found.slice(0, 10).forEach(function (i) {
        var item = L.DomUtil.create("li", "", results);
        var button = L.DomUtil.create("button", "sk-result", item);
        button.type = "button";
        button.innerHTML = esc(f.naam[i]) + " <span class='sk-unit'>" + wijkText(i) + "</span>";
        button.addEventListener("click", function () {
          if (small()) { showSheet(null, false); }
          fit(shapes[i].getBounds(), 16);
          shapes[i].openTooltip(shapes[i].getCenter());
        });
      });
      if (found.length > 10) {
        L.DomUtil.create("li", "sk-more", results).textContent = "en " + nl(found.length - 10, 0) + " meer";
      }
      updateLegend();
      if (zoom !== false) { fit(bounds, 16); }
      return found.map(function (i) { return f.code[i]; });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value); }, 350);
    });
    panel.querySelector(".sk-search").addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      search(input.value);
    });

    // --- indicator, toggles, print ------------------------------------------------------
    function setActive(n) {
      active = n;
      panel.querySelectorAll("input[name='sk-indicator']").forEach(function (radio) { radio.checked = Number(radio.value) === n; });
      restyle();
      updateLegend();
      if (table.open) { fillTable(); }
    }
    panel.querySelectorAll("input[name='sk-indicator']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked) { setActive(Number(radio.value)); }
      });
    });
    function toggle(id, className) {
      var box = panel.querySelector(id);
      if (!box) { return; }
      box.addEventListener("change", function () {
        L.DomUtil[box.checked ? "removeClass" : "addClass"](container, className);
      });
    }
    toggle("#sk-toon-wijkgrenzen", "sk-verberg-wijkgrenzen");
    toggle("#sk-toon-aandacht", "sk-verberg-aandacht");
    panel.querySelector(".sk-print").addEventListener("click", function () { window.print(); });

    // --- narrow screens: one panel at a time, opened from the row of buttons ---------------------
    var sheets = { zoek: panel.querySelector("#sk-sectie-zoek"), indicator: panel.querySelector("#sk-sectie-indicator"), legenda: legendDiv };
    var openSheet = null;
    function showSheet(name, focus) {
      openSheet = name;
      Object.keys(sheets).forEach(function (key) { L.DomUtil[key === name ? "addClass" : "removeClass"](sheets[key], "sk-open"); });
      L.DomUtil[name === "zoek" || name === "indicator" ? "addClass" : "removeClass"](panel, "sk-open");
      buttons.querySelectorAll("button[data-sectie]").forEach(function (button) {
        button.setAttribute("aria-expanded", String(button.getAttribute("data-sectie") === name));
      });
      fitPanel();
      if (name && focus !== false && small()) {
        var first = sheets[name].querySelector("input:not([type=radio]), input[type=radio]:checked, button, [tabindex]");
        if (!first) { sheets[name].setAttribute("tabindex", "-1"); first = sheets[name]; }
        first.focus();
      }
    }
    buttons.querySelectorAll("button[data-sectie]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-sectie");
        showSheet(openSheet === name ? null : name);
      });
    });
    [panel, legendDiv].forEach(function (element) {
      element.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !openSheet || !small()) { return; }
        var button = buttons.querySelector("button[data-sectie='" + openSheet + "']");
        showSheet(null);
        button.focus();
      });
    });

    // --- the table: every buurt with its value, class and status, for keyboards and screen readers ---
    var table = document.createElement("dialog");
    table.className = "sk-tabel";
    table.setAttribute("aria-labelledby", "sk-tabel-titel");
    var columns = [{ key: "naam", label: "Buurt" }, { key: "code", label: "Buurtcode" }, { key: "wijk", label: "Wijk" },
      { key: "waarde", label: "Waarde" }, { key: "klasse", label: "Klasse" }, { key: "status", label: "Status" }];
    if (flagged) { columns.push({ key: "aandacht", label: "Aandachtsbuurt" }); }
    table.innerHTML = "<div class='sk-tabel-kop'><h2 id='sk-tabel-titel'>Tabel van alle buurten</h2>" +
      "<button type='button' class='sk-sluit'>Sluiten</button></div>" +
      "<div class='sk-tabel-keuze'><label>Indicator <select class='sk-tabel-indicator'>" +
      indicators.map(function (ind, n) { return "<option value='" + n + "'>" + esc(ind.label) + "</option>"; }).join("") +
      "</select></label><label>Filter op buurt, wijk of code <input type='search' class='sk-tabel-filter' autocomplete='off'></label></div>" +
      "<p class='sk-tabel-status' role='status' aria-live='polite'></p>" +
      "<div class='sk-tabel-rol' role='region' aria-label='Cijfers per buurt' tabindex='0'><table><caption></caption><thead><tr>" +
      columns.map(function (c) {
        return "<th scope='col' data-kolom='" + c.key + "'><button type='button'>" + c.label + "<span class='sk-pijl' aria-hidden='true'></span></button></th>";
      }).join("") + "</tr></thead><tbody></tbody></table></div>";
    document.body.appendChild(table);
    var tableSelect = table.querySelector(".sk-tabel-indicator");
    var tableFilter = table.querySelector(".sk-tabel-filter");
    var sortKey = "naam", sortUp = true, opener = null;
    var STATUS = { ok: "gepubliceerd" };

    function rowValues(i) {
      var ind = indicators[active], cls = ind.klasse[i];
      return {
        naam: f.naam[i], code: f.code[i], wijk: f.wijk[i] + (several ? " (" + gemeenten[f.gemeente[i]] + ")" : ""),
        waarde: cls >= 0 && ind.waarde[i] !== null ? ind.waarde[i] : null,
        klasse: cls,
        status: cls === -2 ? T.onderdrukt : (cls === -1 ? T.ontbreekt : STATUS.ok),
        aandacht: f.aandacht && f.aandacht[i] ? "ja: " + f.reden[i] : "nee"
      };
    }

    function fillTable() {
      var ind = indicators[active];
      tableSelect.value = String(active);
      table.querySelector("caption").textContent = ind.label + " per buurt; waarde in " + ind.eenheid + ", klassen: " + ind.indeling;
      var q = fold(tableFilter.value);
      var rows = [];
      for (var i = 0; i < f.code.length; i++) {
        var v = rowValues(i);
        if (q && fold(v.naam + " " + v.wijk + " " + v.code).indexOf(q) < 0) { continue; }
        v.index = i;
        rows.push(v);
      }
      rows.sort(function (a, b) {
        var x = a[sortKey], y = b[sortKey], order;
        if (sortKey === "waarde" || sortKey === "klasse") {
          if (x === null || x < 0) { return y === null || y < 0 ? a.naam.localeCompare(b.naam, "nl") : 1; }
          if (y === null || y < 0) { return -1; }
          order = x - y;
        } else {
          order = String(x).localeCompare(String(y), "nl", { numeric: true });
        }
        return (sortUp ? order : -order) || a.naam.localeCompare(b.naam, "nl");
      });
      var out = "";
      rows.forEach(function (v) {
        var i = v.index;
        out += "<tr data-buurtcode='" + esc(v.code) + "'><th scope='row'><button type='button' class='sk-naar' data-i='" + i + "'>" +
          esc(v.naam) + "</button></th><td>" + esc(v.code) + "</td><td>" + esc(v.wijk) + "</td>" +
          "<td class='sk-getal' data-indicator='" + esc(ind.key) + "'>" + (v.waarde === null ? "<span class='sk-geen'>" + esc(v.status) + "</span>" : nl(v.waarde, ind.decimalen)) + "</td><td class='sk-klasse'>" +
          (v.klasse >= 0 ? "<span class='sk-swatch' aria-hidden='true' style='background:" + esc(ind.kleuren[v.klasse]) + "'></span>" +
            esc(ind.labels[v.klasse]) : "") + "</td><td>" + esc(v.status) + "</td>" +
          (flagged ? "<td class='sk-reden-cel'>" + esc(v.aandacht) + "</td>" : "") + "</tr>";
      });
      table.querySelector("tbody").innerHTML = out;
      table.querySelector(".sk-tabel-status").textContent = rows.length === f.code.length
        ? nl(rows.length, 0) + " buurten" : nl(rows.length, 0) + " van de " + nl(f.code.length, 0) + " buurten";
      table.querySelectorAll("th[data-kolom]").forEach(function (th) {
        var key = th.getAttribute("data-kolom");
        if (key === sortKey) { th.setAttribute("aria-sort", sortUp ? "ascending" : "descending"); } else { th.removeAttribute("aria-sort"); }
        th.querySelector(".sk-pijl").textContent = key === sortKey ? (sortUp ? " \u25b2" : " \u25bc") : "";
      });
    }

    function openTable(event) {
      opener = event && event.currentTarget;
      showSheet(null, false);
      fillTable();
      table.showModal();
      tableSelect.focus();
    }
    function closeTable() {
      if (table.open) { table.close(); }
    }
    table.addEventListener("close", function () { if (opener) { opener.focus(); } });
    document.querySelectorAll(".sk-open-tabel").forEach(function (button) { button.addEventListener("click", openTable); });
    table.querySelector(".sk-sluit").addEventListener("click", closeTable);
    table.addEventListener("keydown", function (event) {  // also from the filter, which would only clear itself
      if (event.key === "Escape") { event.preventDefault(); closeTable(); }
    });
    tableSelect.addEventListener("change", function () { setActive(Number(tableSelect.value)); });
    tableFilter.addEventListener("input", fillTable);
    table.querySelectorAll("th[data-kolom] button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.parentNode.getAttribute("data-kolom");
        sortUp = key === sortKey ? !sortUp : true;
        sortKey = key;
        fillTable();
      });
    });
    table.querySelector("tbody").addEventListener("click", function (event) {
      var button = event.target.closest("button.sk-naar");
      if (!button) { return; }
      var i = Number(button.getAttribute("data-i"));
      opener = null;
      closeTable();
      if (shapes[i]) {
        fit(shapes[i].getBounds(), 16);
        shapes[i].openTooltip(shapes[i].getCenter());
      }
      container.focus();
    });

    // --- paper: one A4 landscape page, the map filling it around title and legend ---------------
    var beforePrint = null;
    window.addEventListener("beforeprint", function () {
      if (beforePrint) { return; }
      beforePrint = { center: map.getCenter(), zoom: map.getZoom(), sheet: openSheet };
      showSheet(null, false);
      L.DomUtil.addClass(document.body, "sk-afdrukken");
      map.invalidateSize(false);
      fitPanel();
      fit(searchBounds || L.latLngBounds(data.bounds), null, true);  // printing starts when this returns: no animation
      restyle();
    });
    window.addEventListener("afterprint", function () {
      if (!beforePrint) { return; }
      L.DomUtil.removeClass(document.body, "sk-afdrukken");
      map.invalidateSize(false);
      map.setView(beforePrint.center, beforePrint.zoom, { animate: false });
      showSheet(beforePrint.sheet, false);
      beforePrint = null;
    });

    map.on("zoomend", restyle);
    restyle();
    window.socialeKaartState = {
      map: map,
      shapes: shapes.filter(Boolean).length,
      flagged: symbols.length,
      active: function () { return indicators[active].key; },
      search: search
    };
  };
})();
