import { ValidationError, type ErrorIssue } from '../../core/errors.ts';

export type SettingsProblem = 'unreadable' | 'invalid' | 'future-version';

/**
 * The settings file cannot be used as it is. The host refuses to start rather than overwrite it: the
 * message names the file and what is wrong, so the user can fix or move it.
 */
export class SettingsFileError extends ValidationError {
  readonly file: string;
  readonly problem: SettingsProblem;
  constructor(file: string, problem: SettingsProblem, why: string, issues: readonly ErrorIssue[] = []) {
    super(`Settings file ${file}: ${why}. Fix it (or move it away to start from defaults); Kestrel does not overwrite it.`, issues, { file, problem });
    this.file = file;
    this.problem = problem;
  }
}
