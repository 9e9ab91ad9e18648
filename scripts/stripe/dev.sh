#!/usr/bin/env bash
# Forwards both Stripe webhook streams of a Stripe test account to a running
# sync-server (docs/billing.md). Needs the Stripe CLI (`stripe login` once).
#
#   scripts/stripe/dev.sh [http://localhost:3000]
#
# Each `stripe listen` prints its signing secret (whsec_...) at start; put
# them in PROVIDER_STRIPE_WEBHOOK_SECRET and CONNECT_STRIPE_WEBHOOK_SECRET and
# restart the server. Ctrl-C stops both.
set -euo pipefail

base="${1:-http://localhost:3000}"
command -v stripe >/dev/null || { echo "The Stripe CLI is not installed: https://docs.stripe.com/stripe-cli" >&2; exit 1; }

# Events of the platform account (subscriptions, token packs).
stripe listen \
  --events checkout.session.completed,customer.subscription.created,customer.subscription.updated,customer.subscription.deleted,invoice.payment_succeeded,invoice.payment_failed \
  --forward-to "$base/api/stripe/webhook/provider" &
provider=$!

# Events of connected accounts (tenant invoice payments, onboarding, deauthorization).
stripe listen --forward-connect-to "$base/api/stripe/webhook/connect" \
  --events checkout.session.completed,payment_intent.succeeded,payment_intent.payment_failed,charge.refunded,account.updated,account.application.deauthorized &
connect=$!

trap 'kill $provider $connect 2>/dev/null' INT TERM EXIT
wait
