/**
 * One rule for the role Beacon counts with: the role setting, or with `auto` the server's (`GET /notification/me`);
 * who then sees report e-mails is the protocol's rule (§2: any role but `user`). Held to by the options page's
 * connection test as by the background.
 */
import { describe, expect, it } from 'vitest';
import { runConnectionTest, type TestStepResult } from '@/utils/connection/connection-test';
import { getVisibleCategories } from '@/utils/protocol/categories';
import { DEFAULT_SETTINGS, getEffectiveRole, type RoleSetting } from '@/utils/settings/settings';
import { FakeFetch, jsonResponse } from '../helpers/fake-fetch';

const ROLES: Array<[setting: RoleSetting, server: string | null, role: string | null, seesReports: boolean]> = [
  ['auto', 'user', 'user', false],
  ['auto', 'admin', 'admin', true],
  ['auto', 'manager', 'manager', true], // any role but `user` (protocol §2)
  ['auto', 'User', 'User', true], // roles are compared as the server wrote them
  ['auto', '', '', true],
  ['auto', null, null, false], // the server has not said yet: counted as `user`
  ['user', 'admin', 'user', false], // the setting wins over the server
  ['user', null, 'user', false],
  ['admin', 'user', 'admin', true],
  ['admin', null, 'admin', true],
];

describe('the role Beacon counts with', () => {
  it.each(ROLES)('setting %j, server %j → %j (report e-mails: %s)', (setting, server, role, seesReports) => {
    expect(getEffectiveRole(setting, server)).toBe(role);
    expect(getVisibleCategories(getEffectiveRole(setting, server)).includes('report_email')).toBe(seesReports);
  });

  it.each(ROLES.filter(([, server]) => server !== null))(
    'setting %j, server %j: the connection test counts with %j (report e-mails: %s)',
    async (setting, server, _role, seesReports) => {
      const fake = new FakeFetch();
      fake.route('/notification/me', jsonResponse(200, { username: 'alice', role: server }));
      for (const category of getVisibleCategories('admin'))
        fake.route(
          `/notification/${category}`,
          jsonResponse(200, { data: [], unread_count: 1, page: 1, limit: 1, total: 1 }),
        );
      fake.queueStreamAnswer(new Response(null, { status: 204 }));
      const steps: TestStepResult[] = [];
      const settings = { ...DEFAULT_SETTINGS, serverUrl: 'https://x.test', token: 't', role: setting };
      await runConnectionTest(settings, { fetch: fake.fetch }, (step) => steps.push(step));
      const counts = steps.find((step) => step.step === 'counts')?.outcome;
      expect(counts).toMatchObject({ kind: 'counts' });
      const counted = (counts as { counts: Array<[string, number]> }).counts.map(([category]) => category);
      expect(counted.includes('report_email')).toBe(seesReports);
      // Counts, then the first page of items (whether ids can be marked read): none at all for a role that cannot see it.
      expect(fake.countRequests('/notification/report_email') > 0).toBe(seesReports);
    },
  );
});
