// The dossier page's diagram viewer: bpmn-js's NavigatedViewer (view, pan, zoom; no
// editing), exposed as window.LienThongViewer. Built by `npm run build` (build.mjs).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './viewer.css';

/**
 * Show a BPMN diagram in `element`, marking the elements the dossier went through
 * (`done`) and those it stands at (`current`). Ids not in the diagram (steps of a
 * called process) are skipped. Resolves to the viewer; on an import error the element
 * shows `options.failure` and the promise rejects.
 */
export async function show(element, xml, options = {}) {
  const { done = [], current = [], failure = 'The diagram cannot be shown.' } = options;
  const viewer = new NavigatedViewer({ container: element });
  try {
    await viewer.importXML(xml);
  } catch (error) {
    element.textContent = failure;
    element.classList.add('lt-diagram-failed');
    throw error;
  }
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
