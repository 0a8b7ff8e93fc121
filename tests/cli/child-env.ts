// The environment for a CLI child process: ours without the variables that would point it elsewhere.
const POINTING_ELSEWHERE = [
  'DATABASE_URL',
  'NATS_URL',
  'LEADLINE_CONFIG',
  'ADMIN_API_KEY',
  'WHATSAPP_APP_SECRET',
];

export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !POINTING_ELSEWHERE.includes(name));
  return { ...Object.fromEntries(inherited), LOG_LEVEL: 'warn', ...extra };
}
