export { endpoint, uniqueName, eventually } from '@nimbus/kit/testing';
