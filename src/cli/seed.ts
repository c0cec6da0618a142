import type { EntityManager } from '@mikro-orm/postgresql';
import { DEV_ISSUERS } from '../config/config.js';
import { migrate } from '../db/orm.js';
import { Membership, Organization, type MembershipRole, type OrganizationKind } from '../organizations/organization.entity.js';
import { Guardianship } from '../people/guardianship.entity.js';
import { Person, type PersonKind } from '../people/person.entity.js';
import { Participant, Plan, type ParticipantRole, type PlanStatus } from '../plans/plan.entity.js';
import { runCli, withDatabase } from './with-database.js';

const MUNICIPALITY = '0301';
const COORDINATING_UNIT = 'Koordinerende enhet, Eksempel kommune';

/**
 * A small demo municipality, made once: a coordinating unit, providers with staff, and people
 * with plans in different states. Everyone signs in through the development issuer by subject.
 */
async function seed(em: EntityManager): Promise<void> {
  if (await em.count(Organization, { name: COORDINATING_UNIT })) {
    process.stderr.write('The demo municipality is already there.\n');
    return;
  }
  const organization = (name: string, kind: OrganizationKind) => em.create(Organization, new Organization({ name, kind, municipality: MUNICIPALITY }));
  const unit = organization(COORDINATING_UNIT, 'COORDINATING_UNIT');
  const homeCare = organization('Hjemmetjenesten, Eksempel kommune', 'HOME_CARE');
  const physio = organization('Fysio- og ergoterapitjenesten, Eksempel kommune', 'PHYSIOTHERAPY');
  const school = organization('Bakkehaugen skole', 'SCHOOL');
  organization('NAV Eksempel', 'NAV');

  const person = async (subject: string, displayName: string, kind: PersonKind) => {
    const issuer = kind === 'CITIZEN' ? DEV_ISSUERS.citizen : DEV_ISSUERS.personnel;
    return (await em.findOne(Person, { issuer, subject })) ?? em.create(Person, new Person({ issuer, subject, displayName, kind }));
  };
  const member = (who: Person, where: Organization, role: MembershipRole) =>
    em.create(Membership, new Membership({ organization: em.getReference(Organization, where.id, { wrapped: true }), person: em.getReference(Person, who.id, { wrapped: true }), role }));

  const kari = await person('kari', 'Kari Nordmann (koordinerende enhet)', 'PERSONNEL');
  const ola = await person('ola', 'Ola Berg (hjemmetjenesten)', 'PERSONNEL');
  const per = await person('per', 'Per Lie (fysioterapeut)', 'PERSONNEL');
  const siri = await person('siri', 'Siri Dahl (kontaktlærer)', 'PERSONNEL');
  member(kari, unit, 'UNIT_LEAD');
  member(ola, homeCare, 'STAFF');
  member(per, physio, 'STAFF');
  member(siri, school, 'STAFF');

  const anna = await person('anna', 'Anna Hansen', 'CITIZEN');
  const bjorn = await person('bjorn', 'Bjørn Hansen', 'CITIZEN');
  const lise = await person('lise', 'Lise Johansen (9 år)', 'CITIZEN');
  const maria = await person('maria', 'Maria Johansen', 'CITIZEN');
  const nils = await person('nils', 'Nils Olsen', 'CITIZEN');
  em.create(Guardianship, new Guardianship({ guardian: em.getReference(Person, maria.id, { wrapped: true }), ward: em.getReference(Person, lise.id, { wrapped: true }), recordedBy: em.getReference(Person, kari.id, { wrapped: true }) }));

  const plan = (owner: Person, title: string, status: PlanStatus, participants: Array<[Person, ParticipantRole, Organization?]>) => {
    const created = em.create(Plan, new Plan({ owner: em.getReference(Person, owner.id, { wrapped: true }), title }));
    created.status = status;
    for (const [who, role, where] of [[owner, 'OWNER'] as [Person, ParticipantRole], ...participants]) {
      em.create(Participant, new Participant({
        plan: em.getReference(Plan, created.id, { wrapped: true }),
        person: em.getReference(Person, who.id, { wrapped: true }),
        role,
        organization: where ? em.getReference(Organization, where.id, { wrapped: true }) : null,
        addedBy: em.getReference(Person, kari.id, { wrapped: true }),
      }));
    }
  };
  plan(anna, 'Annas plan: bo hjemme og komme tilbake i jobb', 'ACTIVE', [[bjorn, 'RELATIVE'], [kari, 'COORDINATOR', unit], [ola, 'PROVIDER', homeCare], [per, 'PROVIDER', physio]]);
  plan(lise, 'Lises plan', 'ACTIVE', [[maria, 'GUARDIAN'], [siri, 'PROVIDER', school], [kari, 'COORDINATOR', unit]]);
  plan(nils, 'Nils: plan under behandling', 'REQUESTED', [[kari, 'COORDINATOR', unit]]);
  await em.flush();

  process.stderr.write(
    'Seeded the demo municipality (municipality 0301).\n' +
      'Citizens (kind "citizen"): anna, bjorn, lise, maria (Lise\'s guardian), nils.\n' +
      'Staff (kind "personnel"): kari (coordinating unit lead), ola (home care), per (physiotherapy), siri (school).\n' +
      'Get a token with: curl -s -X POST http://127.0.0.1:4000/auth/dev-token -H \'content-type: application/json\' ' +
      '-d \'{"sub":"anna","name":"Anna Hansen","kind":"citizen"}\'\n',
  );
}

runCli(() =>
  withDatabase(async (orm, logger) => {
    await migrate(orm, logger);
    await seed(orm.em.fork());
  }),
);
