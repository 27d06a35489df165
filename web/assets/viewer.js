// The diagram viewer of the dossier page and of the step-timing audit's heatmap:
// bpmn-js's NavigatedViewer (view, pan, zoom; no editing), exposed as
// window.LienThongViewer. Built by `npm run build` (build.mjs).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './viewer.css';

const FAILURE = 'The diagram cannot be shown.';

/**
 * A viewer in `element` with the diagram `xml` imported; on an import error the
 * element shows `failure` and the promise rejects.
 */
async function open(element, xml, failure) {
  const viewer = new NavigatedViewer({ container: element });
  try {
    await viewer.importXML(xml);
  } catch (error) {
    element.textContent = failure;
    element.classList.add('lt-diagram-failed');
    throw error;
  }
  return viewer;
}

/**
 * Show a BPMN diagram in `element`, marking the elements the dossier went through
 * (`done`) and those it stands at (`current`). Ids not in the diagram (steps of a
 * called process) are skipped. Resolves to the viewer; on an import error the element
 * shows `options.failure` and the promise rejects.
 */
export async function show(element, xml, options = {}) {
  const { done = [], current = [], failure = FAILURE } = options;
  const viewer = await open(element, xml, failure);
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const mark = (ids, marker) => {
    for (const id of ids) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    }
  };
  mark(done, 'lt-done');
  mark(current, 'lt-current');
  canvas.zoom('fit-viewport', 'auto');
  element.dataset.ready = 'true';  // for browser tests
  return viewer;
}

/** The version of bpmn-js inside this bundle (also in the file name). */
export const version = process.env.BPMN_JS_VERSION;

// The heat of a step, 0 (cool) to 4 (hot): by its share late, or by its p90 over its SLA.
const LATE_STEPS = [0, 0.1, 0.25, 0.5];
const SLA_STEPS = [0.5, 1, 1.5, 2];

function heat(step, mode) {
  const value = mode === 'sla' ? step.p90_over_sla : step.late_share;
  if (value === null || value === undefined) {
    return null;
  }
  const limits = mode === 'sla' ? SLA_STEPS : LATE_STEPS;
  let level = 0;
  for (const limit of limits) {
    if (value > limit) {
      level += 1;
    }
  }
  return level;
}

const HEAT_MARKERS = [0, 1, 2, 3, 4].map((level) => `lt-heat-${level}`);

/**
 * The step-timing audit over a diagram: each step in `stats.steps` (by element id) is
 * coloured by its heat (`options.mode`: 'late' for the share late, 'sla' for p90 over
 * the SLA) and carries a label with its figures (`label`, text) linking to `href`;
 * the incoming flows of the steps in `stats.edges` (the slowest handovers) are marked
 * hot with their median. Resolves to { viewer, colour(mode) }: colour() repaints
 * without loading the diagram again.
 */
export async function heatmap(element, xml, stats, options = {}) {
  const { mode = 'late', failure = FAILURE } = options;
  const viewer = await open(element, xml, failure);
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  const steps = Object.entries(stats.steps || {}).filter(([id]) => registry.get(id));
  for (const [id, step] of steps) {
    const label = document.createElement('a');
    label.className = 'lt-heat-label';
    label.textContent = step.label;
    label.title = step.title || step.label;
    if (step.href) {
      label.href = step.href;
    }
    label.dataset.step = id;
    const shape = registry.get(id);
    overlays.add(id, 'lt-heat', { position: { bottom: -4, left: 0 }, html: label,
                                  scale: false });
    if (shape.width) {
      label.style.minWidth = `${shape.width}px`;
    }
  }
  for (const edge of stats.edges || []) {
    const target = registry.get(edge.step);
    if (!target) {
      continue;
    }
    for (const flow of target.incoming || []) {
      canvas.addMarker(flow.id, 'lt-hot-edge');
      const tag = document.createElement('span');
      tag.className = 'lt-edge-label';
      tag.textContent = edge.label;
      const middle = flow.waypoints[Math.floor(flow.waypoints.length / 2)];
      overlays.add(flow.id, 'lt-heat', {
        position: { top: middle.y - flow.y - 22, left: middle.x - flow.x + 4 }, html: tag });
    }
  }
  const colour = (chosen) => {
    for (const [id, step] of steps) {
      for (const marker of HEAT_MARKERS) {
        canvas.removeMarker(id, marker);
      }
      const level = heat(step, chosen);
      if (level !== null) {
        canvas.addMarker(id, HEAT_MARKERS[level]);
      }
      element.dataset[`heat_${id}`] = String(level);  // for browser tests
    }
    element.dataset.mode = chosen;
  };
  colour(mode);
  canvas.zoom('fit-viewport', 'auto');
  element.dataset.ready = 'true';  // for browser tests
  return { viewer, colour };
}
