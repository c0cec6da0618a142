import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { OPEN_COMPLAINT_STATUSES } from './complaint.entity.js';

const STATUS_CHANGES = ['FORWARDED', 'UPHELD', 'NOT_UPHELD', 'WITHDRAWN'] as const;

export const complaintResolvers: Resolvers = {
  Query: {
    complaint: (_parent, { id }, ctx) => ctx.services().complaints.get(id),
    myComplaints: (_parent, _args, ctx) => ctx.services().complaints.mine(),
  },
  Mutation: {
    fileComplaint: (_parent, { input }, ctx) => ctx.services().complaints.file(input),
    updateComplaintStatus: (_parent, { input }, ctx) => ctx.services().complaints.updateStatus(input),
  },
  Complaint: {
    unit: (complaint) => complaint.unit.loadOrFail(),
    plan: (complaint, _args, ctx) => (complaint.plan ? ctx.services().plans.find(complaint.plan.id) : null),
    request: (complaint, _args, ctx) => (complaint.request ? ctx.services().requests.find(complaint.request.id) : null),
    person: (complaint) => complaint.person.loadOrFail(),
    filedBy: (complaint) => complaint.filedBy.loadOrFail(),
    open: (complaint) => OPEN_COMPLAINT_STATUSES.includes(complaint.status),
    viewerCanChangeStatusTo: async (complaint, _args, ctx) => {
      const service = ctx.services().complaints;
      const allowed = await Promise.all(STATUS_CHANGES.map((status) => service.viewerCanChangeStatus(complaint, status)));
      return STATUS_CHANGES.filter((_status, index) => allowed[index]);
    },
  },
};
