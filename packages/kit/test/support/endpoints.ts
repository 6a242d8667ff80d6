export { endpoints, endpoint, uniqueName, eventually } from '../../src/testing/index.js';
