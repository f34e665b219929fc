/**
 * The correlation/VaR window built from stored history (main/core/risk/seed.ts): the k×k covariance over the
 * whole window is the heavy part, done here with the SIMD kernel (JS when the kernels are not built).
 */
import { intervalReturns, windowSeed } from '../../main/core/risk/seed.ts';
import { covarianceMatrix, useNativeKernels } from '../../native/kernels.ts';
import { loadNodeKernels } from '../../native/node.ts';
import { defineTask } from '../pool.ts';

useNativeKernels(loadNodeKernels().kernels);

export const window = defineTask<'risk.window'>((input) => {
  const series = intervalReturns(input.closes);
  return windowSeed(series, covarianceMatrix(series));
});
