export * from './types';
export * from './crd';
