/**
 * Lua scripts of the Redis store. Redis runs a script alone, start to end, so a count, its items and the event that
 * reports it change together even with many instances writing at once (no lost update between a read and a write).
 * Every key a script touches is declared and in one user's hash slot (redis-keys.ts), so the same scripts run on
 * a standalone Redis and on Redis Cluster.
 */

/**
 * Which items are unread is an index beside them: a set of item numbers (`n-42` → 42, a compact intset) per user and
 * category. The items themselves never change once stored, so a mark-read costs what it changes (one `SREM` per id,
 * or one `DEL`), not a decode of every item the user holds (issue #22 point 5). The unread hash keeps the counts of
 * the sets, changed in the same scripts.
 */

/**
 * An item is stored compactly, once: `[number,notice type,"title","content","url" or null,created at in ms]` (a JSON
 * array, no key names; redis-item.ts reads it). Items of layout 3 and before are JSON objects with an `"id":"n-…"`.
 */
const ITEM_NUMBER = `local function itemNumber(text)
  return string.match(text, '^%[(%d+),') or string.match(text, '"id":"n%-(%d+)"')
end`;

/**
 * The event log of a user is a list of short lines, oldest first (layout 4; a Redis Stream before, whose first node
 * Redis 7 allocates at 4 KB, a fifth of a user): `<id> <notice type> <item number> <count>` for a new item (the
 * replay rebuilds the event from the item), `<id> <notice type> <count>` for a "read" event, `<id> d <event JSON>`
 * for an event layout 3 logged whole. Ids are a stream's, `<ms>-<seq>`: the server's clock, never going back (the
 * last id's ms is the floor), so ids a layout 3 stream gave stay valid and order after the move. The log keeps its
 * newest `limit` lines; the unread hash's `log-trimmed` field holds the id of the newest line dropped: a client at
 * or after it misses nothing (redis-log.ts).
 */
const LOG_APPEND = `local function logAppend(log, hash, limit, line)
  local time = redis.call('TIME')
  local ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local lastMs, lastSeq = string.match(redis.call('LINDEX', log, -1) or '', '^(%d+)%-(%d+) ')
  local id
  if lastMs and tonumber(lastMs) >= ms then id = lastMs .. '-' .. (tonumber(lastSeq) + 1)
  else id = string.format('%.0f', ms) .. '-0' end
  local length = redis.call('RPUSH', log, id .. ' ' .. line)
  local excess = length - tonumber(limit)
  if excess > 0 then
    local dropped = string.match(redis.call('LINDEX', log, excess - 1), '^(%S+)')
    redis.call('LTRIM', log, excess, -1)
    redis.call('HSET', hash, 'log-trimmed', dropped)
  end
  return id
end`;

/**
 * Adds an unread item, drops the oldest beyond the limit, logs the event (LOG_APPEND) and fans it out.
 * KEYS: items list, unread hash, event log, item id counter, unread index of the category.
 * ARGV: category, the stored item after its number (see ITEM_NUMBER), event JSON after its id up to `"unread_count":`, item limit, replay
 * limit, fan-out channel, username, notice type, 'PUBLISH' or 'SPUBLISH' (a cluster: the channel is in the user's
 * slot, redis-shard-channels.ts). Returns { item id, log entry id, unread count }.
 */
export const PUBLISH_SCRIPT = `
${ITEM_NUMBER}
${LOG_APPEND}
local number = redis.call('INCR', KEYS[4])
local itemId = 'n-' .. number
redis.call('RPUSH', KEYS[1], '[' .. number .. ',' .. ARGV[2])
redis.call('SADD', KEYS[5], number)
local unread = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local excess = redis.call('LLEN', KEYS[1]) - tonumber(ARGV[4])
for _ = 1, excess do
  local old = itemNumber(redis.call('LPOP', KEYS[1]))
  if old and redis.call('SREM', KEYS[5], old) == 1 then unread = redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
end
local data = '{"id":"' .. itemId .. '",' .. ARGV[3] .. unread .. '}'
-- The log keeps what the item does not: which item (by number) and the count after it (see REPLAY_SCRIPT).
local entry = logAppend(KEYS[3], KEYS[2], ARGV[5], ARGV[8] .. ' ' .. number .. ' ' .. unread)
redis.call(ARGV[9], ARGV[6], entry .. '\\n' .. data .. '\\n' .. ARGV[7])
return { itemId, entry, unread }
`;

/**
 * Marks items read (all of the category, or the listed ids) and, when any changed, logs and fans out the
 * `kind: "read"` event with the new count. KEYS: unread index of the category, unread hash, event log.
 * ARGV: category, notice type, replay limit, fan-out channel, username, 'PUBLISH' or 'SPUBLISH', 'all' or 'ids', ids…
 * Returns { changed count, stream entry id or '', unread count }.
 */
export const MARK_READ_SCRIPT = `
${LOG_APPEND}
local changed = 0
if ARGV[7] == 'all' then
  changed = redis.call('SCARD', KEYS[1])
  redis.call('DEL', KEYS[1])
else
  for i = 8, #ARGV do
    local number = string.match(ARGV[i], '^n%-(%d+)$')
    if number then changed = changed + redis.call('SREM', KEYS[1], number) end
  end
end
if changed == 0 then return { 0, '', 0 } end
local unread = redis.call('HINCRBY', KEYS[2], ARGV[1], -changed)
local data = '{"notice_type":' .. ARGV[2] .. ',"unread_count":' .. unread .. ',"kind":"read"}'
local entry = logAppend(KEYS[3], KEYS[2], ARGV[3], ARGV[2] .. ' ' .. unread)
redis.call(ARGV[6], ARGV[4], entry .. '\\n' .. data .. '\\n' .. ARGV[5])
return { changed, entry, unread }
`;

/**
 * One page of items with their read flags from the index, and the count, read together.
 * KEYS: items list, unread index of the category, unread hash. ARGV: category, first index, last index (negative:
 * from the end). Returns { item JSON texts (oldest first), 1/0 unread flags, total, unread count }.
 */
export const LIST_SCRIPT = `
${ITEM_NUMBER}
local texts = redis.call('LRANGE', KEYS[1], ARGV[2], ARGV[3])
local unread = {}
for i, text in ipairs(texts) do
  local number = itemNumber(text)
  unread[i] = number and redis.call('SISMEMBER', KEYS[2], number) or 0
end
return { texts, unread, redis.call('LLEN', KEYS[1]), redis.call('HGET', KEYS[3], ARGV[1]) or '0' }
`;

/**
 * The log's state and its lines after an id, rebuilt: a new item's line is the item's JSON with the count added,
 * found among the newest items of its category (every item newer than it is in the replay too, so the newest k of a
 * category are the k the replay names, unless the item limit dropped some); see LOG_APPEND for the lines.
 * KEYS: log, unread hash, then the items lists of notice types 0…5. ARGV: the entry id to replay after.
 * Returns { { newest id or '0-0', id of the newest line trimmed or false }, { entry id, 'event', event JSON } or
 * { entry id, 'item', stored item or false when it is gone, count }… }.
 */
export const REPLAY_SCRIPT = `
${ITEM_NUMBER}
local afterMs, afterSeq = string.match(ARGV[1], '^(%d+)%-(%d+)$')
afterMs, afterSeq = tonumber(afterMs) or 0, tonumber(afterSeq) or 0
local rows = {}
for _, line in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local id, ms, seq, rest = string.match(line, '^((%d+)%-(%d+)) (.*)$')
  ms, seq = tonumber(ms), tonumber(seq)
  if ms > afterMs or (ms == afterMs and seq > afterSeq) then
    local row = { id = id }
    if string.sub(rest, 1, 2) == 'd ' then row.d = string.sub(rest, 3)
    else row.t, row.n, row.u = string.match(rest, '^(%d+) (%d+) ?(%d*)$') end
    if row.u == '' then row.n, row.u = nil, row.n end
    table.insert(rows, row)
  end
end
local wanted = {}
for _, row in ipairs(rows) do
  if row.n then wanted[row.t] = (wanted[row.t] or 0) + 1 end
end
local items = {}
for t, count in pairs(wanted) do
  for _, text in ipairs(redis.call('LRANGE', KEYS[3 + tonumber(t)], -count, -1)) do
    local number = itemNumber(text)
    if number then items[number] = text end
  end
end
local last = redis.call('LINDEX', KEYS[1], -1)
local result = { { last and string.match(last, '^(%S+)') or '0-0', redis.call('HGET', KEYS[2], 'log-trimmed') } }
for i, row in ipairs(rows) do
  if row.n then
    result[i + 1] = { row.id, 'item', items[row.n] or false, row.u }
  elseif row.d then
    result[i + 1] = { row.id, 'event', row.d }
  else
    result[i + 1] = { row.id, 'event', '{"notice_type":' .. row.t .. ',"unread_count":' .. row.u .. ',"kind":"read"}' }
  end
end
return result
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
 * Layout 3 → 4: one user's log from a Redis Stream to lines (LOG_APPEND), ids kept, so clients' Last-Event-ID stay
 * valid. A trimmed stream does not say which id it dropped last: its oldest id kept stands for it (a client there
 * misses nothing; one before it resyncs, as before). Does nothing to a log already moved. KEYS: log, unread hash.
 */
export const MIGRATE_LOG_SCRIPT = `
if redis.call('TYPE', KEYS[1]).ok ~= 'stream' then return 0 end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local fields = {}
for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
redis.call('DEL', KEYS[1])
for _, entry in ipairs(entries) do
  local row = {}
  for f = 1, #entry[2], 2 do row[entry[2][f]] = entry[2][f + 1] end
  local line
  if row.d then line = 'd ' .. row.d
  elseif row.n then line = row.t .. ' ' .. row.n .. ' ' .. row.u
  else line = row.t .. ' ' .. row.u end
  redis.call('RPUSH', KEYS[1], entry[1] .. ' ' .. line)
end
if #entries > 0 and tonumber(fields['entries-added']) > #entries then
  redis.call('HSET', KEYS[2], 'log-trimmed', entries[1][1])
end
return 1
`;

/**
 * Creates or updates a user, in the user's slot. A changed token (new or removed) signs out every session (the set of
 * the user's sessions is what makes one valid) and tells every instance to end the user's streams; a changed role
 * only ends the streams. The token → user
 * record is claimed before (redis-accounts.ts) and the old one deleted after: neither is in this slot.
 * KEYS: user hash, sessions set. ARGV: username, role, 'keep' | 'set' | 'clear', token digest, revoke channel.
 * Returns { old token digest or '', digests of the sessions signed out… }.
 */
export const UPSERT_USER_SCRIPT = `
local existed = redis.call('EXISTS', KEYS[1]) == 1
local old = redis.call('HGET', KEYS[1], 'tokenHash') or ''
local new = old
if ARGV[3] == 'set' then new = ARGV[4] elseif ARGV[3] == 'clear' then new = '' end
local result = { old }
if existed and old ~= new then
  for _, key in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do table.insert(result, key) end
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[5], '\\n' .. ARGV[1])
elseif existed and redis.call('HGET', KEYS[1], 'role') ~= ARGV[2] then
  -- A role change ends the user's streams too (they reconnect under the new role); sessions stay.
  redis.call('PUBLISH', ARGV[5], '\\n' .. ARGV[1])
end
redis.call('HSET', KEYS[1], 'role', ARGV[2], 'tokenHash', new)
return result
`;

/**
 * Adds a session (by the digest of its id) to the user's set, the list of sessions that are valid, and signs the
 * oldest out beyond the cap. The score orders them: expiry in ms × 1000 plus a counter, so sessions created in the
 * same millisecond still go oldest first, and expired ones are removed by score.
 * KEYS: sessions set, session counter. ARGV: session digest, expires at, now, ttl ms, max per user.
 * Returns the digests signed out.
 */
export const CREATE_SESSION_SCRIPT = `
local order = redis.call('INCR', KEYS[2]) % 1000
-- Formatted, not passed as a number: Redis would print it with 14 digits and lose the counter.
redis.call('ZADD', KEYS[1], string.format('%.0f', tonumber(ARGV[2]) * 1000 + order), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', (tonumber(ARGV[3]) + 1) * 1000))
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if excess <= 0 then return {} end
local evicted = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
for _, key in ipairs(evicted) do redis.call('ZREM', KEYS[1], key) end
return evicted
`;
