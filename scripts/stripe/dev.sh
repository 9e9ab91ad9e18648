#!/usr/bin/env bash
# Forwards both Stripe webhook streams of a Stripe test account to a running
# sync-server (docs/billing.md). Needs the Stripe CLI, logged in once with
# `stripe login` to the platform's test account.
#
#   scripts/stripe/dev.sh [http://localhost:3000]
#
# One `stripe listen` forwards the platform account's own events to
# /api/stripe/webhook/provider and connected accounts' events to
# /api/stripe/webhook/connect. At start it prints "Your webhook signing secret
# is whsec_...": that one secret signs both streams, so put it in both
# PROVIDER_STRIPE_WEBHOOK_SECRET and CONNECT_STRIPE_WEBHOOK_SECRET and restart
# the server (it stays the same across restarts of this script). Ctrl-C stops.
set -euo pipefail

base="${1:-http://localhost:3000}"
base="${base%/}"
command -v stripe >/dev/null || { echo "The Stripe CLI is not installed: https://docs.stripe.com/stripe-cli" >&2; exit 1; }

# The platform account: subscriptions and token packs, and tenant invoice
# payments, which are destination charges made on the platform account
# (on_behalf_of + transfer_data.destination), so their Checkout, payment
# intent and refund events arrive here too.
provider_events=checkout.session.completed,customer.subscription.created,customer.subscription.updated,customer.subscription.deleted,invoice.payment_succeeded,invoice.payment_failed,payment_intent.succeeded,payment_intent.payment_failed,charge.refunded
# Connected accounts: onboarding state, deauthorization, and payments made on them.
connect_events=account.updated,account.application.deauthorized

# --events filters both streams; each endpoint records and ignores a type it does not handle.
exec stripe listen \
  --events "$provider_events,$connect_events" \
  --forward-to "$base/api/stripe/webhook/provider" \
  --forward-connect-to "$base/api/stripe/webhook/connect"
