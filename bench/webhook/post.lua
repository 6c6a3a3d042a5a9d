-- SPDX-License-Identifier: Apache-2.0
-- wrk script of bench/webhook: POSTs 64 different 1 KiB JSON bodies in turn
-- (different ids, so the route's key json:/id spreads them over partitions).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for i = 1, 64 do
  local head = string.format('{"id":%d,"type":"order.created","pad":"', i)
  local tail = '"}'
  bodies[i] = head .. string.rep("x", 1024 - #head - #tail) .. tail
end
local n = 0
request = function()
  n = n % 64 + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
