import type { EntityManager } from '@mikro-orm/postgresql';
import { entityById } from '../db/entity-rows.js';
import { badInput, notFound } from '../errors/error-codes.js';
import type { PersonRef, PersonResolver } from '../people/person-ref.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import { parseId, parseIdOrNull } from '../shared/ids.js';
import { Membership, Organization, type MembershipRole, type OrganizationKind } from './organization.entity.js';


export class OrganizationService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly people: PersonResolver,
    /** Told after a membership change commits: whoever caches actors drops that person's (src/auth/actor-cache.ts). */
    private readonly actorChanged: (personId: string) => void,
  ) {}

  /** Organizations are public facts (names and kinds of service units), visible to anyone signed in. */
  async list(): Promise<Organization[]> {
    return this.em.find(Organization, {}, { orderBy: { name: 'asc', id: 'asc' } });
  }

  /** The unit of `id`, or null when there is none (or `id` is not an id). */
  async find(id: string): Promise<Organization | null> {
    const valid = parseIdOrNull(id);
    return valid ? entityById(this.em, Organization, valid) : null;
  }

  /** The unit of `id`, which a row of ours names (so it exists), batched with the others of the same tick as a reference's `load` is. */
  async load(id: string): Promise<Organization> {
    return this.em.getReference(Organization, id, { wrapped: true }).loadOrFail();
  }

  async byId(id: string): Promise<Organization> {
    const organization = await entityById(this.em, Organization, parseId(id, 'Organization'));
    if (!organization) throw notFound('Organization');
    return organization;
  }

  viewerCanManageMembers(organization: Organization): boolean {
    return can(this.actor, 'organization.manageMembers', { organizationId: organization.id });
  }

  async create(input: { name: string; kind: OrganizationKind; municipality?: string | null }): Promise<Organization> {
    assertCan(this.actor, 'organization.create', null);
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('name must be 1 to 200 characters');
    const municipality = input.municipality?.trim() || null;
    if (municipality && !/^\d{4}$/.test(municipality)) throw badInput('municipality must be a four-digit municipality number');
    const organization = this.em.create(Organization, { name, kind: input.kind, municipality });
    await this.em.flush();
    return organization;
  }

  async members(organizationId: string): Promise<Membership[]> {
    const organization = await this.byId(organizationId);
    assertCan(this.actor, 'organization.manageMembers', { organizationId: organization.id });
    return this.em.find(Membership, { organization }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async membershipsOf(personId: string): Promise<Membership[]> {
    return this.em.find(Membership, { person: personId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Adds someone to a unit's staff, or changes their role there. */
  async addMembership(input: { organizationId: string; person: PersonRef; role: MembershipRole }): Promise<Membership> {
    const organization = await this.byId(input.organizationId);
    assertCan(this.actor, 'organization.manageMembers', { organizationId: organization.id });
    const person = await this.people.resolveRef(input.person);
    if (person.kind !== 'PERSONNEL') throw badInput('Only personnel can be staff of a unit');
    const existing = await this.em.findOne(Membership, { organization, person });
    if (existing) {
      existing.role = input.role;
      await this.em.flush();
      this.actorChanged(person.id);
      return existing;
    }
    const membership = this.em.create(Membership, { organization: organization.id, person: person.id, role: input.role });
    await this.em.flush();
    this.actorChanged(person.id);
    return membership;
  }

  async removeMembership(id: string): Promise<boolean> {
    const membership = await this.em.findOne(Membership, parseId(id, 'Membership'));
    if (!membership) throw notFound('Membership');
    assertCan(this.actor, 'organization.manageMembers', { organizationId: membership.organization.id });
    await this.em.remove(membership).flush();
    this.actorChanged(membership.person.id);
    return true;
  }

  /** Whether a person is staff of a unit: providers and coordinators must act for a unit they belong to. */
  async isMember(organizationId: string, personId: string): Promise<boolean> {
    return (await this.em.count(Membership, { organization: organizationId, person: personId })) > 0;
  }
}
