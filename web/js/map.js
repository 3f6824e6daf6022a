// The map of Flanders, drawn in SVG from the municipality outlines (GeoJSON,
// WGS84). Equirectangular projection with longitude scaled by cos(51°), the
// latitude of Flanders, so shapes keep their proportions; fitted to the viewBox.

import { s, h } from './dom.js';
import { t } from './i18n.js';

const GEO_URL = '/data/flanders_municipalities_2025.geojson';
const K = Math.cos((51 * Math.PI) / 180);
const WIDTH = 1000;
const PAD = 8;

let geoPromise = null;

export function loadGeo() {
  if (!geoPromise) {
    geoPromise = fetch(GEO_URL, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`map data: HTTP ${r.status}`);
      return r.json();
    });
    geoPromise.catch(() => {
      geoPromise = null; // let a later visit try again
    });
  }
  return geoPromise;
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function projection(features) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [lon, lat] of ring) {
        const x = lon * K, y = -lat;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  const scale = (WIDTH - 2 * PAD) / (maxX - minX);
  const height = Math.ceil((maxY - minY) * scale + 2 * PAD);
  return {
    width: WIDTH,
    height,
    project: ([lon, lat]) => [(lon * K - minX) * scale + PAD, (-lat - minY) * scale + PAD],
  };
}

function pathData(geometry, project) {
  let d = '';
  for (const ring of rings(geometry)) {
    let px = null, py = null, n = 0;
    for (const pt of ring) {
      const [x, y] = project(pt);
      const rx = Math.round(x * 10) / 10, ry = Math.round(y * 10) / 10;
      if (rx === px && ry === py) continue;
      d += (n === 0 ? 'M' : 'L') + rx + ' ' + ry;
      px = rx; py = ry; n++;
    }
    if (n) d += 'Z';
  }
  return d;
}

// complete / partial / none (nothing known) / unknown (no registry record)
export function townStatus(org) {
  if (!org) return 'unknown';
  if (org.complete) return 'complete';
  const c = org.completeness || {};
  return c.contacts || c.providers || c.assets ? 'partial' : 'none';
}

// The legend of the registry colouring, or of a layer's: entries are
// [status, colour class] pairs; the label is t(`legend.${status}`).
export function legend(entries = ['complete', 'partial', 'none', 'unknown'].map((st) => [st, st])) {
  const item = ([st, cls]) => h('li', null, h('span', { class: `swatch st-${cls}`, 'aria-hidden': 'true' }), t(`legend.${st}`));
  return h('ul', { class: 'legend' }, entries.map(item));
}

const COLOUR_CLASSES = ['st-complete', 'st-partial', 'st-none', 'st-unknown', 'st-alert', 'st-quiet'];

// Colours the towns of a drawn map by another measure: statusOf(org) returns
// [status, colour class] (org undefined: no registry record).
export function recolour(svg, orgsByNis, statusOf) {
  for (const path of svg.querySelectorAll('path.town')) {
    const [st, cls] = statusOf(orgsByNis.get(path.dataset.nis));
    path.classList.remove(...COLOUR_CLASSES);
    path.classList.add(`st-${cls}`);
    path.dataset.status = st;
    path.dataset.colour = cls;
  }
}

// Draws the map into `host`. orgsByNis: Map nis_code -> org item.
// onOpen(org) is called on click. Returns the <svg>.
export function drawMap(host, geo, orgsByNis, onOpen) {
  const features = geo.features || [];
  const proj = projection(features);
  const svg = s('svg', {
    class: 'map',
    viewBox: `0 0 ${proj.width} ${proj.height}`,
    role: 'img',
    'aria-label': t('dash.map'),
    preserveAspectRatio: 'xMidYMid meet',
  });
  const g = s('g', { class: 'towns' });
  svg.appendChild(g);
  const tip = h('div', { class: 'map-tip', role: 'status', 'aria-live': 'polite', hidden: true });

  for (const f of features) {
    const p = f.properties || {};
    const org = orgsByNis.get(String(p.nis_code));
    const st = townStatus(org);
    const name = (org && org.name) || p.name_nl || p.nis_code;
    const path = s('path', {
      d: pathData(f.geometry, proj.project),
      class: ['town', `st-${st}`, org ? 'link' : ''],
      dataset: { nis: p.nis_code, name, status: st },
      'aria-label': name,
    });
    g.appendChild(path);
  }

  const showTip = (path, ev) => {
    const st = path.dataset.status;
    tip.replaceChildren(
      h('strong', null, path.dataset.name),
      h('span', { class: `tip-status st-${path.dataset.colour || st}` }, t(`legend.${st}`)),
    );
    tip.hidden = false;
    const box = host.getBoundingClientRect();
    let x = ev.clientX - box.left + 14;
    let y = ev.clientY - box.top + 14;
    const w = tip.offsetWidth, hh = tip.offsetHeight;
    if (x + w > box.width) x = ev.clientX - box.left - w - 10;
    if (y + hh > box.height) y = ev.clientY - box.top - hh - 10;
    tip.style.left = `${Math.max(0, x)}px`;
    tip.style.top = `${Math.max(0, y)}px`;
  };

  // The hovered outline is drawn again on top (without taking pointer events),
  // so neighbours do not hide it; moving the town itself would break clicks.
  const outline = s('path', { class: 'town-outline', 'aria-hidden': 'true' });
  svg.appendChild(outline);
  let hovered = null;
  const unhover = () => {
    if (hovered) hovered.classList.remove('hover');
    hovered = null;
    outline.removeAttribute('d');
    tip.hidden = true;
  };
  g.addEventListener('pointerover', (ev) => {
    const path = ev.target.closest('path.town');
    if (!path) return;
    if (hovered !== path) {
      if (hovered) hovered.classList.remove('hover');
      hovered = path;
      path.classList.add('hover');
      outline.setAttribute('d', path.getAttribute('d'));
    }
    showTip(path, ev);
  });
  g.addEventListener('pointermove', (ev) => {
    const path = ev.target.closest('path.town');
    if (path) showTip(path, ev);
  });
  g.addEventListener('pointerleave', unhover);
  g.addEventListener('click', (ev) => {
    const path = ev.target.closest('path.town');
    if (!path) return;
    const org = orgsByNis.get(path.dataset.nis);
    if (org) onOpen(org);
  });

  host.replaceChildren(svg, tip);
  return svg;
}
