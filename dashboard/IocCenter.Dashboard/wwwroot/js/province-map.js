// The province map of the wall and the console: the pack's outline and areas (GET /api/province), devices at their
// coordinates coloured by state, the places with open incidents ringed. Drawn offline with d3-geo into SVG (no tiles,
// no WebGL); the SVG's user units are screen pixels, so the CSS sizes of dots and labels are what the screen shows.
// Labels are placed greedily by priority (incidents first) and one that would overlap a placed one is left out.
window.IocProvinceMap = (() => {
  const ns = 'http://www.w3.org/2000/svg';
  const severityRank = { critical: 4, major: 3, minor: 2, warning: 1 };

  async function load(query = '') {
    const response = await fetch('/api/province' + query, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`/api/province: ${response.status}`);
    return response.json();
  }

  // d3-geo reads rings as spherical polygons with clockwise outer rings; RFC 7946 files run counter-clockwise, and
  // such a polygon reads as the whole globe but itself (area over a hemisphere): those are turned around.
  function spherical(geometry) {
    const turn = rings => d3.geoArea({ type: 'Polygon', coordinates: rings }) > 2 * Math.PI ? rings.map(r => r.slice().reverse()) : rings;
    if (geometry.type === 'Polygon') return { ...geometry, coordinates: turn(geometry.coordinates) };
    if (geometry.type === 'MultiPolygon') return { ...geometry, coordinates: geometry.coordinates.map(turn) };
    return geometry;
  }

  // Diacritics-insensitive matching: "dao thanh" finds "Đạo Thạnh".
  function fold(s) { return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase(); }

  function el(name, attrs, parent) {
    const node = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    parent?.append(node);
    return node;
  }

  /**
   * Draws into an <svg>. options: colors (state → colour), zoom (the console: wheel, drag, zoomTo),
   * onAreaClick(code). Returns the map: setProvince, setDevice, removeDevice, setIncident, removeIncident, clear,
   * locate(device), areaOfIncident(incident), zoomTo(code), area(code), areas().
   */
  function create(svg, options) {
    const colors = options.colors;
    const viewport = el('g', { class: 'viewport' }, svg);
    const outlineEl = el('path', { class: 'outline' }, viewport);
    const areaLayer = el('g', { class: 'areas' }, viewport);
    const pointLayer = el('g', { class: 'area-points' }, svg);
    const ringLayer = el('g', { class: 'rings' }, svg);
    const deviceLayer = el('g', { class: 'devices' }, svg);
    const labelLayer = el('g', { class: 'labels' }, svg);
    const areas = new Map();    // code → { code, name, shortName, point, geometry, anchor, el }
    const devices = new Map();  // id → { device, area, el }
    const incidents = new Map(); // id → incident
    const byOldArea = new Map(); // a device's area tag that is not a pack code (an old district slug) → the area found for it
    let province = null, projection = null, path = null, width = 0, height = 0;
    let transform = d3.zoomIdentity ?? { k: 1, x: 0, y: 0, apply: p => p };
    let frame = 0;

    const screen = lonLat => { const p = projection(lonLat); return transform.apply ? transform.apply(p) : p; };
    // Discs and dots scale with the page's type (the wall's rem is 0.85vw), as the labels do.
    const unit = () => 0.33 * parseFloat(getComputedStyle(document.documentElement).fontSize);

    function setProvince(p) {
      province = p;
      areas.clear(); areaLayer.replaceChildren(); pointLayer.replaceChildren();
      for (const f of p.areas.features) {
        const point = f.geometry.type === 'Point';
        const geometry = spherical(f.geometry);
        const a = { code: f.properties.code, name: f.properties.name, shortName: f.properties.shortName || f.properties.name, point, geometry, size: 0, anchor: f.properties.anchor || f.geometry.coordinates };
        a.el = point ? el('circle', { class: 'area point' }, pointLayer) : el('path', { class: 'area' }, areaLayer);
        a.el.dataset.code = a.code;
        const title = el('title', {}, a.el); title.textContent = a.name;
        if (options.onAreaClick) a.el.addEventListener('click', () => options.onAreaClick(a.code));
        areas.set(a.code, a);
      }
      svg.dataset.areas = String(areas.size);
      for (const d of devices.values()) { d.area = locate(d.device); if (d.area) d.el.dataset.area = d.area; }
      resize();
    }

    function resize() {
      width = svg.clientWidth; height = svg.clientHeight;
      if (!province || !width || !height) return;
      svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
      const pad = Math.min(width, height) * 0.04;
      const outline = { type: 'FeatureCollection', features: province.outline.features.map(f => ({ ...f, geometry: spherical(f.geometry) })) };
      projection = d3.geoMercator().fitExtent([[pad, pad], [width - pad, height - pad]], outline);
      path = d3.geoPath(projection);
      outlineEl.setAttribute('d', path(outline) || '');
      for (const a of areas.values()) if (!a.point) { a.el.setAttribute('d', path(a.geometry) || ''); a.size = Math.abs(path.area(a.geometry)); }
      if (zoom) { zoom.extent([[0, 0], [width, height]]).translateExtent([[0, 0], [width, height]]); }
      draw();
    }

    // ---- where a device is: its area tag when that is a pack code, else the polygon holding it, else the nearest anchor
    function locate(device) {
      if (areas.has(device.area)) return device.area;
      let found = null;
      if (device.lat != null && device.lon != null) {
        const at = [device.lon, device.lat];
        for (const a of areas.values()) if (!a.point && d3.geoContains(a.geometry, at)) { found = a.code; break; }
        if (!found) {
          let best = Infinity;
          for (const a of areas.values()) { const dist = d3.geoDistance(a.anchor, at); if (dist < best) { best = dist; found = a.code; } }
        }
      } else if (device.area && byOldArea.has(device.area)) found = byOldArea.get(device.area);
      if (found && device.area && !byOldArea.has(device.area)) byOldArea.set(device.area, found);
      return found;
    }
    function areaOfIncident(i) {
      if (areas.has(i.area)) return i.area;
      const d = i.deviceId && devices.get(i.deviceId);
      if (d?.area) return d.area;
      return byOldArea.get(i.area) ?? null;
    }

    function setDevice(device) {
      let d = devices.get(device.id);
      if (!d) {
        d = { device, area: null, el: el('circle', { class: 'device' }, deviceLayer) };
        d.el.dataset.id = device.id;
        devices.set(device.id, d);
      } else {
        d.device = device;
      }
      // A wall gets every device's state every second (the same object, changed in place): only a change of colour
      // or place redraws.
      const seen = `${device.state}|${device.severity}|${device.lat}|${device.lon}|${device.area}`;
      if (d.area && d.seen === seen) return;
      d.seen = seen;
      d.area = province ? locate(device) : null;
      d.el.setAttribute('fill', deviceColor(device));
      d.el.dataset.state = device.state;
      if (d.area) d.el.dataset.area = d.area;
      schedule();
    }
    function removeDevice(id) { devices.get(id)?.el.remove(); devices.delete(id); schedule(); }
    // An incident raised during maintenance does not colour its area: the work is planned (its device shows as such).
    function setIncident(i) { if (i.state === 'resolved' || i.maintenanceId) incidents.delete(i.id); else incidents.set(i.id, i); schedule(); }
    function removeIncident(id) { incidents.delete(id); schedule(); }
    function clear() { for (const d of devices.values()) d.el.remove(); devices.clear(); incidents.clear(); schedule(); }

    function deviceColor(d) {
      if (d.state === 'maintenance') return colors.maintenance;
      if (d.state === 'offline') return colors.offline;
      if (d.state === 'incident') return colors[d.severity] || colors.warning;
      return colors.ok;
    }

    // ---- the state of each area: the worst open incident, else all its devices offline, else ok, else nothing there
    function summary() {
      const s = new Map([...areas.keys()].map(code => [code, { devices: 0, offline: 0, severity: 0, incidents: 0 }]));
      for (const d of devices.values()) {
        const a = d.area && s.get(d.area);
        if (!a) continue;
        a.devices++;
        if (d.device.state === 'offline') a.offline++;
        if (d.device.state === 'incident') a.severity = Math.max(a.severity, severityRank[d.device.severity] || 1);
      }
      for (const i of incidents.values()) {
        const a = s.get(areaOfIncident(i));
        if (!a) continue;
        a.incidents++;
        a.severity = Math.max(a.severity, severityRank[i.severity] || 1);
      }
      return s;
    }
    const severityOf = rank => Object.keys(severityRank).find(k => severityRank[k] === rank);
    function stateOf(a) {
      if (a.severity) return severityOf(a.severity);
      if (a.devices && a.offline === a.devices) return 'offline';
      return a.devices ? 'ok' : 'empty';
    }

    function schedule() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); }); }

    function draw() {
      if (!projection) return;
      const u = unit();
      const s = summary();
      const rings = new Map([...ringLayer.children].map(r => [r.dataset.code, r]));
      for (const a of areas.values()) {
        const sum = s.get(a.code);
        a.el.dataset.state = stateOf(sum);
        a.el.classList.toggle('incident', sum.incidents > 0 || sum.severity > 0);
        if (a.point) {
          const [x, y] = screen(a.anchor);
          a.el.setAttribute('cx', x); a.el.setAttribute('cy', y); a.el.setAttribute('r', u);
        }
        // A ring stays the same element while its place has an open incident, so its pulse runs on undisturbed.
        let ring = rings.get(a.code);
        rings.delete(a.code);
        if (!sum.severity) { ring?.remove(); continue; }
        if (!ring) { ring = el('circle', { class: 'ring' }, ringLayer); ring.dataset.code = a.code; }
        const [x, y] = screen(a.anchor);
        ring.setAttribute('cx', x); ring.setAttribute('cy', y); ring.setAttribute('r', u * 2.6);
        ring.setAttribute('stroke', colors[severityOf(sum.severity)]);
      }
      for (const stale of rings.values()) stale.remove();
      // Devices without coordinates sit around their area's anchor, one place per domain.
      const around = { traffic: [-1.3, 0], environment: [0, -1.3], connectivity: [1.3, 0] };
      for (const d of devices.values()) {
        const v = d.device;
        let at = null;
        if (v.lat != null && v.lon != null) at = screen([v.lon, v.lat]);
        else if (d.area) { const [x, y] = screen(areas.get(d.area).anchor); const [dx, dy] = around[v.domain] || [0, 1.3]; at = [x + dx * u, y + dy * u]; }
        if (!at) { d.el.setAttribute('r', 0); continue; }
        d.el.setAttribute('cx', at[0]); d.el.setAttribute('cy', at[1]); d.el.setAttribute('r', u * 0.8);
      }
      placeLabels(s);
      svg.dataset.ready = 'true';
    }

    // ---- labels: by priority (open incidents, worst first; then the most devices; then the largest area), each at
    // the first spot around its anchor that overlaps no label already placed and stays inside the map.
    let labelsFor = '';
    function placeLabels(s) {
      const u = unit();
      const order = [...areas.values()].map(a => ({ a, sum: s.get(a.code) }))
        .sort((x, y) => (y.sum.severity - x.sum.severity) || (y.sum.incidents - x.sum.incidents) || (y.sum.devices - x.sum.devices) || (y.a.size - x.a.size) || x.a.name.localeCompare(y.a.name));
      const key = `${width}x${height}:${u}:${transform}:` + order.map(o => o.a.code + (o.sum.severity ? '!' : '')).join(',');
      if (key === labelsFor) return;
      labelsFor = key;
      // Every candidate label is added at once and measured in one pass (one layout, not one per label: 10,000 areas
      // still place their labels in well under a second); then placed; those that find no room are removed.
      const candidates = [];
      const fragment = document.createDocumentFragment();
      for (const { a, sum } of order) {
        const [x, y] = screen(a.anchor);
        if (x < 0 || y < 0 || x > width || y > height) continue;
        const incident = sum.severity > 0;
        const label = el('text', { class: 'area-label' + (incident ? ' incident' : ''), x: 0, y: 0 }, fragment);
        label.dataset.code = a.code;
        label.textContent = a.shortName;
        candidates.push({ a, x, y, incident, label });
      }
      labelLayer.replaceChildren(fragment);
      const boxes = new Map();
      for (const c of candidates) {
        const key = c.incident ? 'incident' : 'quiet';
        if (!boxes.has(key)) { const b = c.label.getBBox(); boxes.set(key, { h: b.height, top: b.y }); }
        c.w = c.label.getComputedTextLength();
      }
      // Placed boxes in a grid of cells, so a candidate is tested against its neighbours only.
      const cell = Math.max(8, Math.max(...[...boxes.values()].map(b => b.h), 0) * 4);
      const grid = new Map();
      const cells = (b, visit) => {
        for (let cx = Math.floor(b.x0 / cell); cx <= Math.floor(b.x1 / cell); cx++)
          for (let cy = Math.floor(b.y0 / cell); cy <= Math.floor(b.y1 / cell); cy++)
            if (visit(cx + ':' + cy)) return true;
        return false;
      };
      const overlaps = (b, p) => b.x0 < p.x1 && b.x1 > p.x0 && b.y0 < p.y1 && b.y1 > p.y0;
      const hits = b => cells(b, k => grid.get(k)?.some(p => overlaps(b, p)));
      const put = b => cells(b, k => { let list = grid.get(k); if (!list) grid.set(k, list = []); list.push(b); return false; });
      const inside = b => b.x0 >= 0 && b.y0 >= 0 && b.x1 <= width && b.y1 <= height;
      for (const { a, x, y, incident, label, w } of candidates) {
        const { h, top } = boxes.get(incident ? 'incident' : 'quiet');
        const pad = h * 0.2;
        // An open incident's label sits beside its pulsing ring, never over it; a quiet commune's name sits on its
        // polygon, or beside its point.
        const gap = incident ? u * 2.9 : a.point ? u * 1.6 : 0;
        // [text-anchor, x, y of the box's top-left]
        const spots = a.point || incident
          ? [['start', x + gap, y - h / 2], ['end', x - gap - w, y - h / 2], ['middle', x - w / 2, y - gap - h], ['middle', x - w / 2, y + gap]]
          : [['middle', x - w / 2, y - h / 2], ['middle', x - w / 2, y - h * 1.1], ['middle', x - w / 2, y + h * 0.1]];
        const spot = spots.map(([anchor, bx, by]) => ({ anchor, b: { x0: bx - pad, y0: by - pad, x1: bx + w + pad, y1: by + h + pad }, bx, by }))
          .find(c => inside(c.b) && !hits(c.b));
        if (!spot) { label.remove(); continue; }
        put(spot.b);
        const tx = spot.anchor === 'start' ? spot.bx : spot.anchor === 'end' ? spot.bx + w : spot.bx + w / 2;
        label.setAttribute('text-anchor', spot.anchor);
        label.setAttribute('x', tx);
        label.setAttribute('y', spot.by - top);
      }
      svg.dataset.labels = String(labelLayer.childElementCount);
    }

    // ---- zoom (the console)
    let zoom = null;
    if (options.zoom) {
      zoom = d3.zoom().scaleExtent([1, 40]).on('zoom', e => {
        transform = e.transform;
        viewport.setAttribute('transform', transform.toString());
        svg.dataset.zoom = transform.k.toFixed(2);
        schedule();
      });
      d3.select(svg).call(zoom);
    }
    function zoomTo(code) {
      if (!zoom || !projection) return;
      const a = code && areas.get(code);
      let target = d3.zoomIdentity;
      if (a) {
        const [cx, cy] = projection(a.anchor);
        const span = a.point ? Math.min(width, height) / 8 : Math.max(...(([[x0, y0], [x1, y1]]) => [x1 - x0, y1 - y0])(path.bounds(a.geometry)), 1);
        const k = Math.max(1, Math.min(40, 0.6 * Math.min(width, height) / span));
        target = d3.zoomIdentity.translate(width / 2, height / 2).scale(k).translate(-cx, -cy);
      }
      // data-focus: the area the view has settled on ('' for the whole province), for tests and styles.
      delete svg.dataset.focus;
      d3.select(svg).transition().duration(400).call(zoom.transform, target).on('end', () => { svg.dataset.focus = a ? a.code : ''; });
    }
    function zoomBy(factor) { if (zoom) d3.select(svg).transition().duration(250).call(zoom.scaleBy, factor); }
    function select(code) {
      for (const a of areas.values()) a.el.classList.toggle('selected', a.code === code);
    }

    new ResizeObserver(() => { if (svg.clientWidth !== width || svg.clientHeight !== height) resize(); }).observe(svg);

    return {
      setProvince, setDevice, removeDevice, setIncident, removeIncident, clear, locate, areaOfIncident, zoomTo, zoomBy, select,
      area: code => areas.get(code),
      areas: () => [...areas.values()],
    };
  }

  return { load, create, fold };
})();
