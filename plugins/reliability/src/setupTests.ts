import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Lazy-loaded cards and the test app need more than 1 s on a busy 2-core machine.
configure({ asyncUtilTimeout: 8000 });
jest.setTimeout(30_000);
