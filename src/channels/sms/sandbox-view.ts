// What the sandbox shows for an SMS: the text on the lead's phone, as the SMS policy rendered it
// (renderSms in policy.ts is the one rendering of a channel-neutral message as an SMS body).
export function describeSms(provider: 'twilio' | 'openphone') {
  return (text: string) => ({ kind: 'text', text, payload: { provider, body: text } });
}
