export { createServiceApp, type ServiceAppOptions } from './app.js';
