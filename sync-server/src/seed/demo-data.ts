import {
  activities,
  companies,
  contacts,
  invoiceLines,
  invoices,
  leads,
  opportunities,
  payments,
  quotes,
  tasks,
  timeEntries,
  workOrderStatusHistory,
  workOrders,
} from '@streamflow/schema';
import type { Tx } from '../db/types.ts';
import {
  CITIES,
  COMPANY_KINDS,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  STREETS,
  type Random,
} from './random.ts';

export interface DemoVolume {
  companies: number;
  contactsPerCompany: number;
  leads: number;
  opportunities: number;
  tasks: number;
  workOrders: number;
  invoices: number;
}

export interface DemoPeople {
  ownerId: string;
  managerId: string;
  workerId: string;
}

export const PIPELINE_STAGES = ['new', 'site_visit', 'quote_sent', 'negotiation', 'won', 'lost'] as const;
export const WORK_ORDER_STATUSES = ['scheduled', 'in_progress', 'paused', 'done', 'cancelled'] as const;
const LEAD_SOURCES = ['website', 'referral', 'phone', 'google_ads', 'trade_show'] as const;
const SERVICES = [
  'Boiler service', 'AC tune-up', 'Leaking faucet repair', 'Water heater install', 'Gutter cleaning',
  'Electrical panel check', 'Drain unclog', 'Furnace inspection', 'Roof leak patch', 'Smoke detector install',
] as const;

const DAY = 86_400_000;

const money = (n: number) => n.toFixed(2);

/**
 * Writes a tenant's realistic CRM and field-service records: companies with
 * contacts, leads, an opportunity pipeline, tasks, notes, work orders over
 * the next 14 days for the field worker (with status history and time
 * entries for the past ones), quotes, invoices with lines, and payments.
 */
export async function writeDemoData(
  tx: Tx,
  orgId: string,
  people: DemoPeople,
  volume: DemoVolume,
  rnd: Random,
  now: Date,
): Promise<void> {
  const at = (days: number, hour = 9) => {
    const d = new Date(now.getTime() + days * DAY);
    d.setUTCHours(hour, 0, 0, 0);
    return d;
  };
  const person = () => `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`;
  const address = () => `${rnd.int(10, 999)} ${rnd.pick(STREETS)}, ${rnd.pick(CITIES)}`;
  const phone = () => `+1 555 ${String(rnd.int(100, 999))} ${String(rnd.int(1000, 9999))}`;
  const base = { orgId, updatedBy: people.ownerId };

  const companyRows = Array.from({ length: volume.companies }, (_, i) => {
    const name = `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_KINDS)}${i >= 15 ? ` ${i}` : ''}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
    return {
      ...base,
      id: rnd.uuid(),
      name,
      domain: `${slug}.example`,
      email: `office@${slug}.example`,
      phone: phone(),
      address: address(),
      industry: 'Residential',
      ownerId: rnd.pick([people.ownerId, people.managerId]),
      createdAt: at(-rnd.int(30, 400)),
    };
  });
  await tx.insert(companies).values(companyRows);

  const contactRows = companyRows.flatMap((company) =>
    Array.from({ length: volume.contactsPerCompany }, () => {
      const first = rnd.pick(FIRST_NAMES);
      const last = rnd.pick(LAST_NAMES);
      return {
        ...base,
        id: rnd.uuid(),
        companyId: company.id,
        firstName: first,
        lastName: last,
        email: `${first}.${last}@${company.domain}`.toLowerCase(),
        phone: phone(),
        title: rnd.pick(['Owner', 'Office manager', 'Facilities lead', 'Tenant', 'Accountant']),
        ownerId: company.ownerId,
      };
    }),
  );
  await tx.insert(contacts).values(contactRows);

  const leadRows = Array.from({ length: volume.leads }, () => {
    const name = person();
    return {
      ...base,
      id: rnd.uuid(),
      name,
      companyName: rnd.next() < 0.5 ? `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_KINDS)}` : null,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@mail.example`,
      phone: phone(),
      source: rnd.pick(LEAD_SOURCES),
      status: rnd.pick(['new', 'new', 'contacted', 'qualified', 'unqualified'] as const),
      score: rnd.int(0, 100),
      value: money(rnd.int(2, 150) * 100),
      assigneeId: rnd.pick([people.ownerId, people.managerId]),
      notes: rnd.next() < 0.3 ? `Wants a quote for ${rnd.pick(SERVICES).toLowerCase()}.` : null,
      createdAt: at(-rnd.int(0, 60)),
    };
  });
  await tx.insert(leads).values(leadRows);

  const opportunityRows = Array.from({ length: volume.opportunities }, () => {
    const company = rnd.pick(companyRows);
    const stage = rnd.pick(PIPELINE_STAGES);
    return {
      ...base,
      id: rnd.uuid(),
      name: `${company.name}: ${rnd.pick(SERVICES)}`,
      companyId: company.id,
      stage,
      amount: money(rnd.int(3, 300) * 50),
      probability: stage === 'won' ? 100 : stage === 'lost' ? 0 : rnd.int(10, 80),
      expectedCloseDate: at(rnd.int(-10, 45)).toISOString().slice(0, 10),
      ownerId: company.ownerId,
      closedAt: stage === 'won' || stage === 'lost' ? at(-rnd.int(1, 20)) : null,
    };
  });
  await tx.insert(opportunities).values(opportunityRows);

  const taskRows = Array.from({ length: volume.tasks }, () => {
    const lead = rnd.pick(leadRows);
    const done = rnd.next() < 0.25;
    return {
      ...base,
      id: rnd.uuid(),
      title: rnd.pick([`Call ${lead.name}`, `Send quote to ${lead.name}`, `Follow up with ${lead.name}`]),
      status: done ? ('done' as const) : ('open' as const),
      priority: rnd.pick(['low', 'normal', 'normal', 'high'] as const),
      dueAt: at(rnd.int(-3, 10), rnd.int(8, 17)),
      completedAt: done ? at(-1) : null,
      assigneeId: rnd.pick([people.ownerId, people.managerId]),
      relatedTable: 'leads',
      relatedId: lead.id,
    };
  });
  await tx.insert(tasks).values(taskRows);

  const activityRows = leadRows.slice(0, Math.ceil(volume.leads / 2)).map((lead) => ({
    ...base,
    id: rnd.uuid(),
    kind: rnd.pick(['note', 'call', 'email'] as const),
    subject: rnd.pick(['First contact', 'Discussed pricing', 'Left voicemail', 'Sent brochure']),
    body: `Spoke about ${rnd.pick(SERVICES).toLowerCase()}; prefers mornings.`,
    occurredAt: at(-rnd.int(0, 30), rnd.int(8, 18)),
    actorId: lead.assigneeId,
    relatedTable: 'leads',
    relatedId: lead.id,
  }));
  await tx.insert(activities).values(activityRows);

  // Work orders: a few in the past (done, with time entries), most over the next 14 days.
  const workOrderRows = Array.from({ length: volume.workOrders }, (_, i) => {
    const contact = rnd.pick(contactRows);
    const company = companyRows.find((c) => c.id === contact.companyId);
    const dayOffset = i < 4 ? -(i + 1) : rnd.int(0, 13);
    const start = at(dayOffset, rnd.int(8, 15));
    const status = dayOffset < 0 ? ('done' as const) : dayOffset === 0 && i % 2 === 0 ? ('in_progress' as const) : ('scheduled' as const);
    return {
      ...base,
      id: rnd.uuid(),
      number: `WO-${String(1001 + i)}`,
      title: rnd.pick(SERVICES),
      description: 'Customer will be home; bring replacement parts.',
      companyId: contact.companyId,
      contactId: contact.id,
      address: company?.address ?? address(),
      scheduledStart: start,
      scheduledEnd: new Date(start.getTime() + rnd.int(1, 3) * 3_600_000),
      // Most go to the field worker; a few to the manager so "my work orders" filters.
      assigneeId: i % 5 === 4 ? people.managerId : people.workerId,
      status,
      priority: rnd.pick(['normal', 'normal', 'high', 'urgent', 'low'] as const),
      completedAt: status === 'done' ? new Date(start.getTime() + 2 * 3_600_000) : null,
    };
  });
  await tx.insert(workOrders).values(workOrderRows);

  const history = workOrderRows.flatMap((wo) => {
    const steps: { from: string | null; to: string }[] = [{ from: null, to: 'scheduled' }];
    if (wo.status !== 'scheduled') steps.push({ from: 'scheduled', to: 'in_progress' });
    if (wo.status === 'done') steps.push({ from: 'in_progress', to: 'done' });
    return steps.map((s, i) => ({
      ...base,
      id: rnd.uuid(),
      workOrderId: wo.id,
      fromStatus: s.from,
      toStatus: s.to,
      changedAt: new Date((wo.scheduledStart?.getTime() ?? now.getTime()) - DAY + i * 3_600_000),
      changedBy: i === 0 ? people.managerId : wo.assigneeId,
    }));
  });
  await tx.insert(workOrderStatusHistory).values(history);

  const entries = workOrderRows
    .filter((wo) => wo.status !== 'scheduled' && wo.scheduledStart)
    .map((wo) => {
      const clockIn = wo.scheduledStart ?? now;
      return {
        ...base,
        id: rnd.uuid(),
        userId: wo.assigneeId,
        workOrderId: wo.id,
        clockInAt: clockIn,
        clockOutAt: wo.status === 'done' ? new Date(clockIn.getTime() + 2 * 3_600_000) : null,
        breakMinutes: wo.status === 'done' ? 15 : 0,
        note: wo.status === 'done' ? 'Job completed, customer signed off.' : null,
        hlc: `${clockIn.getTime().toString().padStart(15, '0')}:0000:seed`,
      };
    });
  if (entries.length > 0) await tx.insert(timeEntries).values(entries);

  const quoteRows = opportunityRows.slice(0, Math.min(5, opportunityRows.length)).map((opp, i) => ({
    ...base,
    id: rnd.uuid(),
    number: `Q-${String(2001 + i)}`,
    companyId: opp.companyId,
    opportunityId: opp.id,
    status: rnd.pick(['draft', 'sent', 'accepted'] as const),
    total: opp.amount,
    validUntil: at(30).toISOString().slice(0, 10),
  }));
  if (quoteRows.length > 0) await tx.insert(quotes).values(quoteRows);

  const invoiceRows = Array.from({ length: volume.invoices }, (_, i) => {
    const wo = workOrderRows[i % workOrderRows.length];
    const lines = rnd.int(1, 3);
    const lineItems = Array.from({ length: lines }, (_, position) => {
      const quantity = rnd.int(1, 4);
      const unit = rnd.int(40, 400);
      return { position, description: rnd.pick(SERVICES), quantity, unit, amount: quantity * unit };
    });
    const subtotal = lineItems.reduce((s, l) => s + l.amount, 0);
    const tax = Math.round(subtotal * 0.08 * 100) / 100;
    const status = i % 3 === 0 ? ('paid' as const) : i % 3 === 1 ? ('open' as const) : ('draft' as const);
    return {
      invoice: {
        ...base,
        id: rnd.uuid(),
        number: `INV-${String(3001 + i)}`,
        companyId: wo?.companyId ?? null,
        contactId: wo?.contactId ?? null,
        workOrderId: wo?.id ?? null,
        status,
        subtotal: money(subtotal),
        tax: money(tax),
        total: money(subtotal + tax),
        amountPaid: status === 'paid' ? money(subtotal + tax) : '0.00',
        issuedAt: status === 'draft' ? null : at(-rnd.int(1, 30)),
        dueAt: status === 'draft' ? null : at(rnd.int(-5, 25)),
      },
      lineItems,
    };
  });
  if (invoiceRows.length > 0) {
    await tx.insert(invoices).values(invoiceRows.map((r) => r.invoice));
    await tx.insert(invoiceLines).values(
      invoiceRows.flatMap((r) =>
        r.lineItems.map((l) => ({
          ...base,
          id: rnd.uuid(),
          invoiceId: r.invoice.id,
          position: l.position,
          description: l.description,
          quantity: String(l.quantity),
          unitPrice: money(l.unit),
          amount: money(l.amount),
        })),
      ),
    );
    const paid = invoiceRows.filter((r) => r.invoice.status === 'paid');
    if (paid.length > 0) {
      await tx.insert(payments).values(
        paid.map((r) => ({
          ...base,
          id: rnd.uuid(),
          invoiceId: r.invoice.id,
          amount: r.invoice.total,
          method: rnd.pick(['card', 'bank_transfer', 'check'] as const),
          status: 'succeeded' as const,
          receivedAt: at(-rnd.int(0, 10)),
        })),
      );
    }
  }
}
