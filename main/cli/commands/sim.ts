/**
 * `kestrel sim`: Kestrel Sim as a process of its own, so an exchange outlives the workstation that trades
 * on it (kill the host, restart it, reconcile against the same account). Point a host at it with
 * KESTREL_SIM_URL. Keys and planted orders come from its /sim-admin endpoints (main/venues/mock-exchange/README.md).
 */
import { KESTREL_SIM_SYMBOLS } from '../../host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange, type PrivateFaultConfig } from '../../venues/mock-exchange/index.ts';
import { parseOptions, UsageError, type CliCommand, type OptionSpecs } from '../command.ts';

const OPTIONS: OptionSpecs = {
  port: { type: 'string', default: '0', value: 'N', help: 'port on 127.0.0.1 (0: any free port)' },
  seed: { type: 'string', default: '1', value: 'N', help: 'seed of its prices, keys and faults' },
  days: { type: 'string', default: '30', value: 'N', help: 'days of 1m history it serves' },
  faults: { type: 'string', value: 'JSON', help: 'private-API faults, e.g. {"lostAck":0.05,"duplicateFill":0.1}' },
  key: { type: 'boolean', default: false, help: 'issue one API key at start and print it (a sim key: it trades only here)' },
};

function int(name: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be an integer 0..${max}, got ${v}`);
  return n;
}

export const sim: CliCommand = {
  name: 'sim',
  summary: 'Run Kestrel Sim (the loopback exchange in Binance\'s format, with its private API) on its own; hosts use it via KESTREL_SIM_URL.',
  usage: 'kestrel sim [--port N] [--seed N] [--days N] [--faults JSON] [--key]',
  options: OPTIONS,
  async run(argv) {
    const v = parseOptions(argv, OPTIONS).values as { port: string; seed: string; days: string; faults?: string; key: boolean };
    let faults: PrivateFaultConfig = {};
    if (v.faults) {
      try {
        faults = JSON.parse(v.faults) as PrivateFaultConfig;
      } catch {
        throw new UsageError('--faults must be a JSON object');
      }
    }
    const seed = int('seed', v.seed, 2 ** 31);
    const mock = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: Math.max(1, int('days', v.days, 3650)), seed }), seed, port: int('port', v.port, 65_535), private: { faults } });
    console.log(`Kestrel Sim on ${mock.baseUrl} (KESTREL_SIM_URL=${mock.baseUrl}); keys: POST ${mock.baseUrl}/sim-admin/keys`);
    if (v.key) {
      const k = mock.private.createKey();
      console.log(`API key ${k.apiKey}\nSecret ${k.secret}\nAccount ${k.account}`);
    }
    const stop = async () => {
      await mock.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    await new Promise(() => {});
    return 0;
  },
};
