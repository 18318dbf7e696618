// Starts GOV.UK Frontend's components. A static module rather than an inline script, so the
// page carries no per-request nonce: its HTML is the same for every reader and can be cached,
// and the Content Security Policy allows scripts from 'self' only.
import { initAll } from '../build/govuk-frontend.min.js';

initAll();
