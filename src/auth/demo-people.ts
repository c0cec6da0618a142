/**
 * The demo municipality's people (`npm run seed` plays their last weeks through the API). The seed
 * signs them in through the development issuer, and `GET /auth/sign-in-options` offers them to a
 * client's sign-in picker when the development issuer is on. Names are what their tokens carry;
 * `about` says in bokmål who each is in the demo, for a person choosing whom to try it as.
 */
export interface DemoPerson {
  /** The development token's `sub`. */
  sub: string;
  name: string;
  kind: 'citizen' | 'personnel';
  about: string;
}

const citizen = (sub: string, name: string, about: string): DemoPerson => ({ sub, name, kind: 'citizen', about });
const staff = (sub: string, name: string, about: string): DemoPerson => ({ sub, name, kind: 'personnel', about });

/** The seed's own administrator: not offered to sign in as (it is an administrator only while the seed runs). */
export const SEED_ADMIN = staff('seed-admin', 'Seed administrator', 'Legger inn demokommunen');

export const DEMO_PEOPLE = {
  kari: staff('kari', 'Kari Nordmann (koordinerende enhet)', 'Koordinator for Anna, leder av koordinerende enhet'),
  jon: staff('jon', 'Jon Moe (koordinerende enhet)', 'Saksbehandler i koordinerende enhet'),
  ola: staff('ola', 'Ola Berg (hjemmetjenesten)', 'Tjenesteyter i Annas plan (morgenhjelp)'),
  per: staff('per', 'Per Lie (fysioterapeut)', 'Tjenesteyter i Annas plan (balansetrening)'),
  siri: staff('siri', 'Siri Dahl (kontaktlærer)', 'Kontaktlærer, ennå ikke med i noen plan'),
  anna: citizen('anna', 'Anna Hansen', 'Har en aktiv individuell plan'),
  bjorn: citizen('bjorn', 'Bjørn Hansen', 'Annas bror, pårørende i planen hennes'),
  lise: citizen('lise', 'Lise Johansen', '9 år, har fått innvilget barnekoordinator'),
  maria: citizen('maria', 'Maria Johansen', 'Lises mor og verge'),
  nils: citizen('nils', 'Nils Olsen', 'Har sendt en anmodning som venter på svar'),
  eva: citizen('eva', 'Eva Strand', 'Fikk avslag og har klaget'),
  tor: citizen('tor', 'Tor Bakke', 'Har en avsluttet og arkivert plan'),
} as const satisfies Record<string, DemoPerson>;
