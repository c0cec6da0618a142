import type { TestApp } from './test-app.js';
import type { SeededPerson } from './seed.js';

export const REQUEST_FIELDS = `id status source wants powerOfAttorney childBirthDate title receivedAt decisionDueAt decidedAt decisionReason
  viewerCanDecide unit { id } person { id } submittedBy { id } decidedBy { id }
  interimNotice { sentAt reason expectedDecisionDate recordedBy { id } } plan { id status kind title }`;

export const COMPLAINT_FIELDS = `id about text status open filedAt forwardedAt decidedAt powerOfAttorney viewerCanChangeStatusTo
  unit { id } person { id } filedBy { id } plan { id } request { id status }`;

/** Requests and complaints through the public API, plus reads of what the dashboard sees in SQL. */
export function intakeFor(t: TestApp) {
  const sql = <T>(query: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(query, params);

  return {
    submit: (who: SeededPerson, input: Record<string, unknown>) =>
      t.gql(`mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { ${REQUEST_FIELDS} } }`, { input: { municipality: '0301', ...input } }, who.token),
    decide: (who: SeededPerson, input: Record<string, unknown>) =>
      t.gql(
        `mutation($input: DecideRequestInput!) { decideRequest(input: $input) { __typename ... on RequestDecided { request { ${REQUEST_FIELDS} } } ... on PlanAlreadyExists { message } } }`,
        { input },
        who.token,
      ),
    interimNotice: (who: SeededPerson, input: Record<string, unknown>) =>
      t.gql(`mutation($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { ${REQUEST_FIELDS} } }`, { input }, who.token),
    withdraw: (who: SeededPerson, id: string) => t.gql(`mutation($id: ID!) { withdrawRequest(id: $id) { id status } }`, { id }, who.token),
    request: (who: SeededPerson, id: string) => t.gql(`query($id: ID!) { request(id: $id) { ${REQUEST_FIELDS} } }`, { id }, who.token),
    fileComplaint: (who: SeededPerson, input: Record<string, unknown>) =>
      t.gql(`mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { ${COMPLAINT_FIELDS} } }`, { input }, who.token),
    updateComplaint: (who: SeededPerson, complaintId: string, status: string) =>
      t.gql(`mutation($input: UpdateComplaintStatusInput!) { updateComplaintStatus(input: $input) { ${COMPLAINT_FIELDS} } }`, { input: { complaintId, status } }, who.token),
    complaint: (who: SeededPerson, id: string) => t.gql(`query($id: ID!) { complaint(id: $id) { ${COMPLAINT_FIELDS} } }`, { id }, who.token),

    caseEvents: (where: { requestId?: string; planId?: string }) =>
      sql<{ kind: string; actor_id: string | null; person_id: string | null; plan_id: string | null; detail: Record<string, unknown> }>(
        `select "kind", "actor_id", "person_id", "plan_id", "detail" from "case_event"
         where ("request_id" = ? or ? is null) and ("plan_id" = ? or ? is null) order by "id"`,
        [where.requestId ?? null, where.requestId ?? null, where.planId ?? null, where.planId ?? null],
      ),
    notifications: (link: string) =>
      sql<{ recipient_id: string; kind: string }>('select "recipient_id", "kind" from "notification" where "link" = ? order by "created_at", "recipient_id"', [link]),
    planRow: async (planId: string) =>
      (await sql<{ unit_id: string | null; status: string; kind: string; owner_id: string }>('select "unit_id", "status", "kind", "owner_id" from "plan" where "id" = ?', [planId]))[0],
    deadline: async (key: string) => {
      const [row] = await sql<{ due_at: string; resolved: boolean }>('select "due_at", "resolved_at" is not null as "resolved" from "deadline" where "key" = ?', [key]);
      return row ? { dueAt: new Date(row.due_at).toISOString(), resolved: row.resolved } : undefined;
    },
    /** Whether the lead's dashboard counts this request among its unit's "interim notices due". */
    interimNoticeDue: async (requestId: string, now: Date) =>
      (await sql(
        `select 1 from "service_request" where "id" = ? and "status" = 'RECEIVED' and "decision_due_at" < ? and "interim_notice_sent_at" is null`,
        [requestId, now],
      )).length === 1,
  };
}
