// The pages Stripe Checkout sends the client back to (success_url / cancel_url in
// src/effects/handlers/deposit-checkout.ts). They only reassure: the deposit is confirmed by the signed
// Stripe webhook, never by a visit to these pages, so they read nothing and change nothing.
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '../zod-schemas.ts';
import { htmlPage } from './action-links.ts';

const htmlResponse = { 200: z.string().describe('A small HTML page') };

/** Sets the HTML headers and returns the page (a string payload with a text/html type is sent as is). */
function sendHtml(reply: FastifyReply, html: string): string {
  void reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
  return html;
}

export const depositReturnRoutes: FastifyPluginCallback = (app, _options, registered) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/deposit/success',
    {
      schema: {
        tags: ['deposit'],
        summary: 'Stripe Checkout success_url: a thank-you page (the webhook confirms the payment)',
        produces: ['text/html'],
        querystring: z.object({ session_id: z.string().optional() }),
        response: htmlResponse,
      },
    },
    (_request, reply) =>
      sendHtml(
        reply,
        htmlPage(
          'Thank you',
          "Your deposit is being confirmed; we'll message you on WhatsApp with the next step.",
        ),
      ),
  );
  typed.get(
    '/deposit/cancelled',
    {
      schema: {
        tags: ['deposit'],
        summary: 'Stripe Checkout cancel_url: payment cancelled, the link still works until it expires',
        produces: ['text/html'],
        response: htmlResponse,
      },
    },
    (_request, reply) =>
      sendHtml(
        reply,
        htmlPage(
          'Payment cancelled',
          'No payment was taken. Your deposit link still works until it expires.',
        ),
      ),
  );
  registered();
};
