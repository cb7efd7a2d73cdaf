import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from '../constructs/alarms.js';

/** An alarm setting that does not make sense, with the field at fault. */
export class AlarmConfigError extends Error {
  override readonly name = 'AlarmConfigError';
}

function number(
  raw: Record<string, unknown>,
  field: keyof AlarmThresholds,
  stage: string,
  min: number,
  max: number,
) {
  const value = raw[field] ?? DEFAULT_ALARM_THRESHOLDS[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new AlarmConfigError(
      `stages.${stage}.alarms.${field} must be a number from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks `stages.<name>.alarms` (every field optional; defaults in {@link DEFAULT_ALARM_THRESHOLDS}).
 *
 * @param stage - the stage name
 * @param raw - the value under `stages.<name>.alarms`, or undefined
 * @returns the thresholds
 * @throws AlarmConfigError naming the first field out of range
 */
export function parseAlarmThresholds(stage: string, raw: unknown): AlarmThresholds {
  if (raw === undefined) return DEFAULT_ALARM_THRESHOLDS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AlarmConfigError(`stages.${stage}.alarms must be an object`);
  }
  const fields = raw as Record<string, unknown>;
  const email = fields.email;
  if (email !== undefined && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) {
    throw new AlarmConfigError(`stages.${stage}.alarms.email must be an email address`);
  }
  const periodMinutes = number(fields, 'periodMinutes', stage, 1, 60);
  if (!Number.isInteger(periodMinutes)) {
    throw new AlarmConfigError(`stages.${stage}.alarms.periodMinutes must be a whole number of minutes`);
  }
  const evaluationPeriods = number(fields, 'evaluationPeriods', stage, 1, 24);
  if (!Number.isInteger(evaluationPeriods)) {
    throw new AlarmConfigError(`stages.${stage}.alarms.evaluationPeriods must be a whole number`);
  }
  return {
    api5xxRatePercent: number(fields, 'api5xxRatePercent', stage, 0, 100),
    apiLatencyP99Ms: number(fields, 'apiLatencyP99Ms', stage, 1, 29_000),
    throttles: number(fields, 'throttles', stage, 1, 1_000_000),
    periodMinutes,
    evaluationPeriods,
    ...(email === undefined ? {} : { email }),
  };
}
