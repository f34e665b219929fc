import { fmtTime } from '../../app/format.ts';
import { useSettings } from '../../state/settings.ts';

const local = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', local(), ...all])];
};

/** The one zone every date is shown in: chart axis and crosshair, blotter, audit, data, risk. */
export function TimeZoneSetting() {
  const zone = useSettings((s) => s.timeZone);
  return (
    <label className="field tz-field">
      <span>Time zone for every date shown</span>
      <select aria-label="Time zone" value={zone} onChange={(e) => useSettings.getState().setTimeZone(e.target.value)}>
        {zones().map((z) => (
          <option key={z} value={z}>
            {z === local() && z !== 'UTC' ? `${z} (this computer)` : z}
          </option>
        ))}
      </select>
      <small className="muted" data-testid="tz-now">
        Now: {fmtTime(Date.now())}
      </small>
    </label>
  );
}
