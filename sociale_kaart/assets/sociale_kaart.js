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

  window.socialeKaart = function (map, data) {
    var arcs = decodeArcs(data.arcs, data.arc_offsets, data.scale);
    var f = data.buurten;
    var indicators = data.indicatoren;
    var active = 0;
    var PATTERN = { "-1": "sk-ontbreekt", "-2": "sk-onderdrukt" };

    // Line weights follow the zoom, so that a whole-country map shows colours, not borders.
    function buurtWeight() {
      var z = map.getZoom();
      return z < 9 ? 0.15 : (z < 11 ? 0.35 : 0.7);
    }

    function styleFor(i) {
      var ind = indicators[active], cls = ind.klasse[i];
      var style = { weight: buurtWeight(), color: "#666666", opacity: 0.9, fillOpacity: 0.85 };
      style.fillColor = cls >= 0 ? ind.kleuren[cls] : (cls === -2 ? data.kleur_onderdrukt : data.kleur_ontbreekt);
      if (f.aandacht && f.aandacht[i]) { style.weight = 3; style.color = "#1a1a1a"; style.dashArray = null; }
      return style;
    }

    function valueText(ind, i) {
      var cls = ind.klasse[i];
      if (cls === -2) { return "onderdrukt (klein aantal)"; }
      if (cls === -1 || ind.waarde[i] === null) { return "geen gegevens"; }
      return nl(ind.waarde[i], ind.decimalen) + " " + esc(ind.eenheid);
    }

    function tooltip(i) {
      var html = "<div class='sk-tip'><strong>" + esc(f.naam[i]) + "</strong> <span class='sk-code'>" + esc(f.code[i]) + "</span>";
      html += "<br>Wijk: " + esc(f.wijk[i]) + "<table>";
      indicators.forEach(function (ind, n) {
        html += "<tr" + (n === active ? " class='sk-active'" : "") + "><td>" + esc(ind.label) + "</td><td data-indicator='" + esc(ind.key) + "'>" + valueText(ind, i) + "</td></tr>";
      });
      html += "</table>";
      if (f.zonder_cijfers && f.zonder_cijfers[i]) {
        html += "<div class='sk-reden'>Geen cijfers: deze buurtcode staat niet in de kerncijfers (zie het koppelrapport).</div>";
      }
      if (f.aandacht && f.aandacht[i]) {
        html += "<div class='sk-reden'><strong>Aandachtsbuurt:</strong> " + esc(f.reden[i]) + "</div>";
      }
      return html + "</div>";
    }

    var renderer = L.svg({ padding: 0.5 });
    var group = L.featureGroup().addTo(map);
    var shapes = [];
    data.vormen.forEach(function (polygons, i) {
      var latlngs = polygons.map(function (rings) { return rings.map(function (refs) { return ring(arcs, refs); }); });
      if (!polygons.length) { shapes.push(null); return; }  // collapsed below the grid
      var shape = L.polygon(latlngs, Object.assign({ renderer: renderer, skIndex: i }, styleFor(i)));
      shape.bindTooltip(function () { return tooltip(i); }, { sticky: true, direction: "auto" });
      shape.addTo(group);
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
        path.setAttribute("data-buurtcode", f.code[i]);
      });
    }

    function lines(refs, style) {
      if (!refs.length) { return null; }
      return L.polyline(refs.map(function (r) { return arcs[r]; }), Object.assign({ renderer: renderer, interactive: false }, style)).addTo(map);
    }
    var wijkLines = lines(data.wijkgrenzen, { color: "#222222", weight: 1.6, opacity: 0.9 });
    var gemeenteLines = lines(data.gemeentegrenzen, { color: "#000000", weight: 2.6, opacity: 1 });

    function restyle() {
      var z = map.getZoom();
      shapes.forEach(function (shape, i) { if (shape) { shape.setStyle(styleFor(i)); } });
      if (wijkLines) {
        if (z < 10 && shapes.length > 500) { map.removeLayer(wijkLines); } else if (!map.hasLayer(wijkLines)) { wijkLines.addTo(map); }
        wijkLines.setStyle({ weight: z < 12 ? 1.0 : 1.6 });
      }
      if (gemeenteLines) { gemeenteLines.setStyle({ weight: z < 9 ? 0.7 : (z < 11 ? 1.4 : 2.6) }); }
      applyPatterns();
    }

    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      this._div = L.DomUtil.create("div", "sk-legend");
      L.DomEvent.disableScrollPropagation(this._div);
      return this._div;
    };
    legend.update = function () {
      var ind = indicators[active];
      var html = "<div class='sk-legend-title' data-indicator='" + esc(ind.key) + "'>" + esc(ind.label) + "</div>";
      html += "<div class='sk-legend-unit'>" + esc(ind.eenheid) + " (" + esc(ind.indeling) + ")</div>";
      ind.labels.forEach(function (label, n) {
        html += "<div class='sk-row'><span class='sk-swatch' style='background:" + esc(ind.kleuren[n]) + "'></span>" + esc(label) + "</div>";
      });
      html += "<div class='sk-row'><span class='sk-swatch sk-swatch-ontbreekt'></span>geen gegevens</div>";
      html += "<div class='sk-row'><span class='sk-swatch sk-swatch-onderdrukt'></span>onderdrukt (klein aantal)</div>";
      if (f.aandacht && f.aandacht.some(Boolean)) {
        html += "<div class='sk-row'><span class='sk-swatch sk-swatch-aandacht'></span>aandachtsbuurt</div>";
      }
      html += "<div class='sk-row'><span class='sk-line'></span>wijkgrens</div>";
      this._div.innerHTML = html;
    };
    legend.addTo(map);

    var baseLayers = {};
    indicators.forEach(function (ind, n) {
      var layer = L.layerGroup();
      layer.skIndex = n;
      baseLayers[esc(ind.label) + " <span class='sk-unit'>(" + esc(ind.eenheid) + ")</span>"] = layer;
      if (n === 0) { layer.addTo(map); }
    });
    L.control.layers(baseLayers, null, { collapsed: false, position: "topright" }).addTo(map);
    map.on("baselayerchange", function (event) {
      active = event.layer.skIndex;
      restyle();
      legend.update();
    });
    map.on("zoomend", restyle);

    legend.update();
    applyPatterns();
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    map.options.zoomSnap = 0.25;
    map.fitBounds(data.bounds, { padding: [20, 20] });
    restyle();
    window.socialeKaartState = {
      shapes: shapes.filter(Boolean).length,
      active: function () { return indicators[active].key; }
    };
  };
})();
