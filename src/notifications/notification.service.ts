import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import type { Actor } from '../policy/actor.js';
import { can } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseId, parseIdOrNull } from '../shared/ids.js';
import type { NotificationKind } from './notification.outbox.js';

/** A notification as the inbox shows it. */
export interface InboxNotification {
  id: string;
  kind: NotificationKind;
  link: string;
  createdAt: Date;
  readAt: Date | null;
  deliveryStatus: 'PENDING' | 'DELIVERED' | 'FAILED';
}

export interface InboxPage {
  notifications: InboxNotification[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
  unreadCount: number;
}

interface InboxRow {
  id: string;
  recipient_id: string;
  kind: NotificationKind;
  link: string;
  status: InboxNotification['deliveryStatus'];
  created_at: Date;
  read_at: Date | null;
}

/** @default 20 */
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const COLUMNS = `"id", "recipient_id", "kind", "link", "status", "created_at", "read_at"`;

/** The viewer's own notifications. Nobody else's are ever listed, whatever their role. */
export class NotificationService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: { clock: Clock },
  ) {}

  /** The viewer's notifications, newest first. */
  async inbox(args: { first?: number | null; after?: string | null; unreadOnly?: boolean | null }): Promise<InboxPage> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be 1 to ${MAX_PAGE_SIZE}`);
    const after = args.after ? decodeCursor(args.after) : null;
    const unread = args.unreadOnly ? ` and "read_at" is null` : '';
    const me = this.actor.personId;
    const rows = await this.em.execute<InboxRow[]>(
      `select ${COLUMNS} from "notification" where "recipient_id" = ?${unread}
       ${after ? `and ("created_at", "id") < (?, ?)` : ''}
       order by "created_at" desc, "id" desc limit ?`,
      [me, ...(after ? [after.createdAt, after.id] : []), first + 1],
    );
    const [counts] = await this.em.execute<Array<{ total: string; unread: string }>>(
      `select count(*) filter (where true${unread}) as "total", count(*) filter (where "read_at" is null) as "unread"
       from "notification" where "recipient_id" = ?`,
      [me],
    );
    const page = rows.slice(0, first).map((row) => this.visible(row));
    const cursors = page.map(encodeCursor);
    return {
      notifications: page,
      cursors,
      hasNextPage: rows.length > first,
      endCursor: cursors.at(-1) ?? null,
      totalCount: Number(counts?.total ?? 0),
      unreadCount: Number(counts?.unread ?? 0),
    };
  }

  /** Marks one of the viewer's notifications read; the first time counts. Others' ids are NOT_FOUND. */
  /** One of the viewer's own notifications; null for anyone else's, so ids reveal nothing. */
  async find(id: string): Promise<InboxNotification | null> {
    const [row] = await this.em.execute<InboxRow[]>(`select ${COLUMNS} from "notification" where "id" = ?`, [parseId(id, 'Notification')]);
    return row && can(this.actor, 'notification.read', { recipientId: row.recipient_id }) ? this.visible(row) : null;
  }

  async markRead(id: string): Promise<InboxNotification> {
    const notificationId = parseId(id, 'Notification');
    const [row] = await this.em.execute<InboxRow[]>(`select ${COLUMNS} from "notification" where "id" = ?`, [notificationId]);
    // NOT_FOUND rather than FORBIDDEN: ids must not reveal that someone else has a notification.
    if (!row || !can(this.actor, 'notification.read', { recipientId: row.recipient_id })) throw notFound('Notification');
    const [updated] = await this.em.execute<InboxRow[]>(
      `update "notification" set "read_at" = coalesce("read_at", ?) where "id" = ? returning ${COLUMNS}`,
      [this.deps.clock.now(), notificationId],
    );
    return this.visible(updated ?? row);
  }

  private visible(row: InboxRow): InboxNotification {
    return {
      id: row.id,
      kind: row.kind,
      link: row.link,
      createdAt: new Date(row.created_at),
      readAt: row.read_at ? new Date(row.read_at) : null,
      deliveryStatus: row.status,
    };
  }
}

/** A cursor holds the (createdAt, id) of the last notification seen, as base64url JSON. */
function encodeCursor(notification: InboxNotification): string {
  return Buffer.from(JSON.stringify([notification.createdAt.toISOString(), notification.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[0] === 'string' && typeof decoded[1] === 'string') {
      const createdAt = new Date(decoded[0]);
      const id = parseIdOrNull(decoded[1]);
      if (id && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
    }
  } catch {
    // Falls through to the one error below.
  }
  throw badInput('after is not a valid cursor');
}
