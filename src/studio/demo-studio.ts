// The built-in demo studio (docs/contract.md §2's example), served when no configuration file is given.
// Kept as the raw, pre-validation shape so it goes through the same zod schema as a file would.
export const demoStudioInput = {
  studios: [
    {
      id: 'inkwell',
      name: 'Inkwell Tattoo',
      whatsapp: { phoneNumberId: '110000000000001' },
      timezone: 'Europe/London',
      currency: 'GBP',
      styles: [
        'realism',
        'blackwork',
        'traditional',
        'neo-traditional',
        'japanese',
        'fine line',
        'watercolour',
        'geometric',
      ],
      artists: [{ id: 'sam', name: 'Sam Needle', whatsapp: '+447700900001' }],
      questions: [
        { id: 'idea', prompt: 'Tell us about your tattoo idea.' },
        { id: 'placement', prompt: 'Where on your body would it go?' },
        { id: 'dimensions', prompt: 'Roughly how big? For example 10x15cm.' },
        { id: 'style', prompt: 'Which style?', options: ['realism', 'blackwork', 'fine line'] },
        {
          id: 'reference_images',
          prompt: 'Any reference images? Send photos, describe them, or say none.',
        },
        { id: 'budget', prompt: 'What budget do you have in mind? For example £300.' },
      ],
      deposit: { amount: 5000, expiresAfter: '24h' },
      timings: { handoverCooldown: '6h', reminderAfter: '12h', staleAfter: '3d', windowHours: 24 },
      templates: { resume: 'leadline_resume', reminder: 'leadline_reminder', deposit: 'leadline_deposit' },
      // The templates' bodies (docs/go-live.md), sent as plain text by SMS.
      templateBodies: {
        leadline_resume:
          'Hi {{1}}, this is {{2}}. We have an update on your tattoo enquiry. Reply to this message to see it.',
        leadline_reminder:
          'Hi {{1}}, this is {{2}}. Just checking in on your tattoo enquiry. Reply to this message to carry on where you left off.',
        leadline_deposit:
          'Hi {{1}}, this is {{2}}. There is news about your {{3}} tattoo deposit. Reply to this message to see it.',
      },
      availability: {
        weekly: { mon: [{ start: '10:00', end: '18:00' }], tue: [{ start: '10:00', end: '18:00' }] },
        slotMinutes: 60,
        slotsOffered: 3,
      },
      // Twilio's test number: `leadline demo --channel sms` writes to it (the sandbox answers).
      sms: [{ provider: 'twilio', number: '+15005550006' }],
      // The web chat at /chat/inkwell takes guests: a newcomer can talk to the demo at once.
      web: { acceptGuests: true },
    },
  ],
} as const;
