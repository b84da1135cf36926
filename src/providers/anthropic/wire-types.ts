/**
 * The parts of Anthropic's Messages API wire format the adapter writes or reads
 * (https://docs.anthropic.com/en/api/messages). Response types are what we may find, not
 * what we trust: readers check every field before use.
 */

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | TextBlock[];
}

type UserBlock = TextBlock | ImageBlock | ToolResultBlock;
type AssistantBlock = TextBlock | ToolUseBlock;
export type Block = UserBlock | AssistantBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type ToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: true }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: true }
  | { type: 'none' };

export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' };

export interface OutputConfig {
  effort?: string;
  format?: { type: 'json_schema'; schema: Record<string, unknown> };
}

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: TextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: ThinkingConfig;
  output_config?: OutputConfig;
  metadata?: { user_id: string };
  stream?: true;
}

/** Anthropic's `usage` (message, message_start, message_delta); cache counts may be null. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}
