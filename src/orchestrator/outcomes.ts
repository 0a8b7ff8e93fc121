// The system events the orchestrator records when a lead gets the studio's defaultReply instead of an
// answer (and its daily cost alert), with what each means: used by the handler and docs/errors.md.
export const ORCHESTRATOR_EVENTS = {
  'orchestrator.failed':
    'The endpoint answered an error (non-2xx, no content) or could not be reached: the defaultReply was sent',
  'orchestrator.timeout':
    'No answer within `orchestrator.timeout`: the call was abandoned and the defaultReply sent',
  'orchestrator.budget_exceeded':
    'The session had already used `budgetTokensPerSession`: no call was made, the defaultReply was sent',
  'alert.orchestrator_daily_cost':
    "The studio's cost since 00:00 UTC passed `dailyCostLimitUsd` (once per studio per day, through the alert sink)",
} as const;

export type OrchestratorEvent = keyof typeof ORCHESTRATOR_EVENTS;
