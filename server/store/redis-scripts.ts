/**
 * Lua scripts of the Redis store. Redis runs a script alone, start to end, so a count, its items and the event that
 * reports it change together even with many instances writing at once (no lost update between a read and a write).
 * Keys other than the first ones are derived inside the scripts from the prefix: the store targets a standalone
 * Redis (or one behind Sentinel), not Redis Cluster, where every key would have to be declared.
 */

/**
 * Adds an unread item, drops the oldest beyond the limit, logs the event (`XADD … MAXLEN ~`) and fans it out.
 * KEYS: items list, unread hash, event log, item id counter.
 * ARGV: category, item JSON after its id, event JSON after its id up to `"unread_count":`, item limit, replay
 * limit, fan-out channel, username. Returns { item id, stream entry id, unread count }.
 */
export const PUBLISH_SCRIPT = `
local itemId = 'n-' .. redis.call('INCR', KEYS[4])
redis.call('RPUSH', KEYS[1], '{"id":"' .. itemId .. '",' .. ARGV[2])
local unread = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local excess = redis.call('LLEN', KEYS[1]) - tonumber(ARGV[4])
for _ = 1, excess do
  local old = cjson.decode(redis.call('LPOP', KEYS[1]))
  if not old.read then unread = redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
end
local data = '{"id":"' .. itemId .. '",' .. ARGV[3] .. unread .. '}'
local entry = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'd', data)
redis.call('PUBLISH', ARGV[6], entry .. '\\n' .. data .. '\\n' .. ARGV[7])
return { itemId, entry, unread }
`;

/**
 * Marks items read (all of the category, or the listed ids) and, when any changed, logs and fans out the
 * `kind: "read"` event with the new count. KEYS: items list, unread hash, event log.
 * ARGV: category, notice type, replay limit, fan-out channel, username, 'all' or 'ids', ids…
 * Returns { changed count, stream entry id or '', unread count }.
 */
export const MARK_READ_SCRIPT = `
local wanted = nil
if ARGV[6] == 'ids' then
  wanted = {}
  for i = 7, #ARGV do wanted[ARGV[i]] = true end
end
local changed = 0
for i, text in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.find(text, '"read":false', 1, true) then
    local item = cjson.decode(text)
    if item.read == false and (wanted == nil or wanted[item.id]) then
      item.read = true
      redis.call('LSET', KEYS[1], i - 1, cjson.encode(item))
      changed = changed + 1
    end
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
 * Creates or updates a user. A changed token (new or removed) deletes the user's sessions and tells every instance
 * to end the user's streams; a changed role only ends the streams. ARGV: prefix, user key part, username, role, 'keep' | 'set' | 'clear', token digest,
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
elseif existed and redis.call('HGET', userKey, 'role') ~= ARGV[4] then
  -- A role change ends the user's streams too (they reconnect under the new role); sessions stay.
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
