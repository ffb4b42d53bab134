/**
 * Lua scripts of the Redis store. Redis runs a script alone, start to end, so a count, its items and the event that
 * reports it change together even with many instances writing at once (no lost update between a read and a write).
 * Keys other than the first ones are derived inside the scripts from the prefix: the store targets a standalone
 * Redis (or one behind Sentinel), not Redis Cluster, where every key would have to be declared.
 */

/**
 * Which items are unread is an index beside them: a set of item numbers (`n-42` → 42, a compact intset) per user and
 * category. The items themselves never change once stored, so a mark-read costs what it changes (one `SREM` per id,
 * or one `DEL`), not a decode of every item the user holds (issue #22 point 5). The unread hash keeps the counts of
 * the sets, changed in the same scripts.
 */

/**
 * Adds an unread item, drops the oldest beyond the limit, logs the event (`XADD … MAXLEN ~`) and fans it out.
 * KEYS: items list, unread hash, event log, item id counter, unread index of the category.
 * ARGV: category, item JSON after its id, event JSON after its id up to `"unread_count":`, item limit, replay
 * limit, fan-out channel, username. Returns { item id, stream entry id, unread count }.
 */
export const PUBLISH_SCRIPT = `
local number = redis.call('INCR', KEYS[4])
local itemId = 'n-' .. number
redis.call('RPUSH', KEYS[1], '{"id":"' .. itemId .. '",' .. ARGV[2])
redis.call('SADD', KEYS[5], number)
local unread = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local excess = redis.call('LLEN', KEYS[1]) - tonumber(ARGV[4])
for _ = 1, excess do
  local old = string.match(redis.call('LPOP', KEYS[1]), '"id":"n%-(%d+)"')
  if old and redis.call('SREM', KEYS[5], old) == 1 then unread = redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
end
local data = '{"id":"' .. itemId .. '",' .. ARGV[3] .. unread .. '}'
local entry = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'd', data)
redis.call('PUBLISH', ARGV[6], entry .. '\\n' .. data .. '\\n' .. ARGV[7])
return { itemId, entry, unread }
`;

/**
 * Marks items read (all of the category, or the listed ids) and, when any changed, logs and fans out the
 * `kind: "read"` event with the new count. KEYS: unread index of the category, unread hash, event log.
 * ARGV: category, notice type, replay limit, fan-out channel, username, 'all' or 'ids', ids…
 * Returns { changed count, stream entry id or '', unread count }.
 */
export const MARK_READ_SCRIPT = `
local changed = 0
if ARGV[6] == 'all' then
  changed = redis.call('SCARD', KEYS[1])
  redis.call('DEL', KEYS[1])
else
  for i = 7, #ARGV do
    local number = string.match(ARGV[i], '^n%-(%d+)$')
    if number then changed = changed + redis.call('SREM', KEYS[1], number) end
  end
end
if changed == 0 then return { 0, '', 0 } end
local unread = redis.call('HINCRBY', KEYS[2], ARGV[1], -changed)
local data = '{"notice_type":' .. ARGV[2] .. ',"unread_count":' .. unread .. ',"kind":"read"}'
local entry = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'd', data)
redis.call('PUBLISH', ARGV[4], entry .. '\\n' .. data .. '\\n' .. ARGV[5])
return { changed, entry, unread }
`;

/**
 * One page of items with their read flags from the index, and the count, read together.
 * KEYS: items list, unread index of the category, unread hash. ARGV: category, first index, last index (negative:
 * from the end). Returns { item JSON texts (oldest first), 1/0 unread flags, total, unread count }.
 */
export const LIST_SCRIPT = `
local texts = redis.call('LRANGE', KEYS[1], ARGV[2], ARGV[3])
local unread = {}
for i, text in ipairs(texts) do
  local number = string.match(text, '"id":"n%-(%d+)"')
  unread[i] = number and redis.call('SISMEMBER', KEYS[2], number) or 0
end
return { texts, unread, redis.call('LLEN', KEYS[1]), redis.call('HGET', KEYS[3], ARGV[1]) or '0' }
`;

/**
 * Moves one items list of the earlier layout (the read flag inside each item's JSON) to the index: each unread item
 * into the set, the flag out of the JSON, the count rebuilt from the set. Safe to run again on a migrated list: its
 * items carry no flag, and the set is only added to. KEYS: items list, unread index, unread hash. ARGV: category.
 */
export const MIGRATE_ITEMS_SCRIPT = `
for i, text in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.find(text, '"read":', 1, true) then
    local item = cjson.decode(text)
    local number = string.match(tostring(item.id), '^n%-(%d+)$')
    if item.read == false and number then redis.call('SADD', KEYS[2], number) end
    item.read = nil
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(item))
  end
end
redis.call('HSET', KEYS[3], ARGV[1], redis.call('SCARD', KEYS[2]))
return 1
`;

/**
 * Creates or updates a user. A changed token (new or removed) deletes the user's sessions and tells every instance
 * to end the user's streams. ARGV: prefix, user key part, username, role, 'keep' | 'set' | 'clear', token digest,
 * revoke channel. Fails with "token already belongs to another user".
 */
export const UPSERT_USER_SCRIPT = `
local p = ARGV[1]
local userKey = p .. 'user:' .. ARGV[2]
local existed = redis.call('EXISTS', userKey) == 1
local old = redis.call('HGET', userKey, 'tokenHash')
if old == '' then old = false end
local new = old
if ARGV[5] == 'set' then new = ARGV[6] elseif ARGV[5] == 'clear' then new = false end
if new then
  local holder = redis.call('GET', p .. 'token:' .. new)
  if holder and holder ~= ARGV[3] then return redis.error_reply('token already belongs to another user') end
end
if existed and old ~= new then
  if old then redis.call('DEL', p .. 'token:' .. old) end
  local sessions = p .. 'sessions:' .. ARGV[2]
  for _, key in ipairs(redis.call('ZRANGE', sessions, 0, -1)) do redis.call('DEL', p .. 'session:' .. key) end
  redis.call('DEL', sessions)
  redis.call('PUBLISH', ARGV[7], '\\n' .. ARGV[3])
end
redis.call('HSET', userKey, 'role', ARGV[4], 'tokenHash', new or '')
if new then redis.call('SET', p .. 'token:' .. new, ARGV[3]) end
return 1
`;

/**
 * Adds a session (by the digest of its id) that Redis forgets after its time to live, and signs the user's oldest
 * sessions out beyond the cap. ARGV: prefix, user key part, session key, username, created at, expires at, ttl ms,
 * max per user.
 */
export const CREATE_SESSION_SCRIPT = `
local p = ARGV[1]
local sessionKey = p .. 'session:' .. ARGV[3]
redis.call('HSET', sessionKey, 'username', ARGV[4], 'userPart', ARGV[2], 'createdAt', ARGV[5], 'expiresAt', ARGV[6])
redis.call('PEXPIRE', sessionKey, ARGV[7])
local sessions = p .. 'sessions:' .. ARGV[2]
-- A counter, not the clock, orders them: sessions created in the same millisecond still go oldest first.
redis.call('ZADD', sessions, redis.call('INCR', p .. 'session-seq'), ARGV[3])
redis.call('PEXPIRE', sessions, ARGV[7])
for _, key in ipairs(redis.call('ZRANGE', sessions, 0, -1)) do
  if redis.call('EXISTS', p .. 'session:' .. key) == 0 then redis.call('ZREM', sessions, key) end
end
local excess = redis.call('ZCARD', sessions) - tonumber(ARGV[8])
if excess > 0 then
  for _, key in ipairs(redis.call('ZRANGE', sessions, 0, excess - 1)) do
    redis.call('DEL', p .. 'session:' .. key)
    redis.call('ZREM', sessions, key)
  end
end
return 1
`;

/**
 * Deletes a session and tells every instance to end the streams it opened. ARGV: prefix, session key, revoke
 * channel. Returns 1 when there was such a session.
 */
export const DELETE_SESSION_SCRIPT = `
local sessionKey = ARGV[1] .. 'session:' .. ARGV[2]
local found = redis.call('HMGET', sessionKey, 'username', 'userPart')
if not found[1] then return 0 end
redis.call('DEL', sessionKey)
redis.call('ZREM', ARGV[1] .. 'sessions:' .. found[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[2] .. '\\n' .. found[1])
return 1
`;
