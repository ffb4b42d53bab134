/** Demo content: a seeded inbox and a realistic trickle of new notifications. */
import type { NoticeType } from '../utils/protocol/categories';
import type { NewNotification, NotificationBackend } from './store/backend';

export const DEMO_USER = { username: 'demo', token: 'demo-token-change-me', role: 'admin' } as const;

const PEOPLE = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];
const POSTS = [
  '"Notes on SSE reconnects"',
  '"A tiny Vue store"',
  '"Badge colours that make sense"',
  '"Why MV3 workers sleep"',
];

const TEMPLATES: Record<NoticeType, (who: string, post: string) => Omit<NewNotification, 'notice_type'>> = {
  0: (who, post) => ({
    title: `${who} liked your post`,
    content: post,
    url: 'https://app.example.com/notifications/likes',
  }),
  1: (who, post) => ({
    title: `${who} starred your post`,
    content: post,
    url: 'https://app.example.com/notifications/stars',
  }),
  2: (who, post) => ({
    title: `${who} commented on ${post}`,
    content: 'Great write-up, thanks for sharing!',
    url: 'https://app.example.com/notifications/comments',
  }),
  3: () => ({
    title: 'Scheduled maintenance',
    content: 'The site will be read-only tonight from 22:00 to 22:30 UTC.',
    url: 'https://app.example.com/notices/system',
  }),
  4: (who) => ({
    title: `Message from moderator ${who}`,
    content: 'Please add tags to your latest post so others can find it.',
    url: 'https://app.example.com/notices/manager',
  }),
  5: (who, post) => ({
    title: `Report about ${post}`,
    content: `${who} reported a comment as spam.`,
    url: 'https://app.example.com/admin/reports',
  }),
};

/** Weights: likes and comments are common, notices rare. */
const WEIGHTS: Array<[NoticeType, number]> = [
  [0, 30],
  [1, 15],
  [2, 30],
  [3, 5],
  [4, 10],
  [5, 10],
];

function makeDemoNotification(random: () => number): NewNotification {
  let roll = random() * WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let type: NoticeType = 0;
  for (const [candidate, weight] of WEIGHTS) {
    type = candidate;
    if ((roll -= weight) < 0) break;
  }
  const who = PEOPLE[Math.floor(random() * PEOPLE.length)]!;
  const post = POSTS[Math.floor(random() * POSTS.length)]!;
  return { notice_type: type, ...TEMPLATES[type](who, post) };
}

/** Gives the demo user a few unread items in every category, once. */
export async function seedDemoInbox(store: NotificationBackend, random: () => number = Math.random): Promise<void> {
  if (await store.getUser(DEMO_USER.username)) return;
  await store.upsertUser(DEMO_USER);
  for (const type of [0, 0, 0, 1, 2, 2, 3, 4, 5] as NoticeType[]) {
    const who = PEOPLE[Math.floor(random() * PEOPLE.length)]!;
    await store.publish(DEMO_USER.username, { notice_type: type, ...TEMPLATES[type](who, POSTS[0]!) });
  }
}

/** Publishes a demo notification every `intervalMs` (± 50 %); returns a stop function. */
export function startDemoTraffic(store: NotificationBackend, intervalMs: number, random: () => number = Math.random) {
  let timer: NodeJS.Timeout;
  let stopped = false;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        // A failed publish (Redis down) skips one demo notification; the next one tries again.
        store.publish(DEMO_USER.username, makeDemoNotification(random)).then(next, next);
      },
      intervalMs * (0.5 + random()),
    );
    timer.unref();
  };
  next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
