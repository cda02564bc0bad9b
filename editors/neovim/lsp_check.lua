-- The Neovim end-to-end check (scripts/nvim-lsp-check runs it): Neovim's own LSP client (0.7
-- and later) starts `modelc lsp` on the open file, which has a shape error, and this collects
-- the diagnostics and a hover through that client and checks them. Exits 0 when both are right,
-- 1 otherwise, printing what it found.
local modelc = os.getenv("MODELC") or "modelc"
local buf = vim.api.nvim_get_current_buf()
local failures = {}
local function check(ok, what)
  if not ok then table.insert(failures, what) end
end

local client_id = vim.lsp.start_client({
  name = "modelc",
  cmd = { modelc, "lsp" },
  root_dir = vim.fn.getcwd(),
})
check(client_id ~= nil, "the client did not start")
vim.lsp.buf_attach_client(buf, client_id)

-- Diagnostics arrive once the server has checked the file (the first start of the JVM included).
local got = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 100)
check(got, "no diagnostics within 60 s")
local diagnostics = vim.diagnostic.get(buf)
for _, d in ipairs(diagnostics) do
  io.stdout:write(string.format("diagnostic %d:%d %s\n", d.lnum + 1, d.col + 1, d.message:gsub("\n", " | ")))
end
check(#diagnostics == 1, "expected 1 diagnostic, found " .. #diagnostics)
if diagnostics[1] then
  check(diagnostics[1].lnum == 6 and diagnostics[1].col == 19, "the diagnostic is not at 7:20 (the +)")
  check(diagnostics[1].message:find("cannot add f32[N, 3] and f32[N, 2]", 1, true) ~= nil, "unexpected message")
  check(diagnostics[1].severity == vim.diagnostic.severity.ERROR, "not an error")
end

-- Hover on `h` in `output preds = h + y` (line 7, column 18).
local client = vim.lsp.get_client_by_id(client_id)
local response = client.request_sync("textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 6, character = 17 },
}, 30000, buf)
local hover = response and response.result and response.result.contents and response.result.contents.value or ""
io.stdout:write("hover " .. hover:gsub("\n", " | ") .. "\n")
check(hover:find("type: `f32[N, 3]`", 1, true) ~= nil, "the hover does not give h's type f32[N, 3]")

client.stop()
if #failures > 0 then
  io.stdout:write("FAILED: " .. table.concat(failures, "; ") .. "\n")
  vim.cmd("cquit 1")
else
  io.stdout:write("ok: diagnostics and hover through Neovim's LSP client\n")
  vim.cmd("qall!")
end
