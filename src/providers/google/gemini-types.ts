/**
 * The parts of Gemini's `generateContent` request the gateway writes
 * (https://ai.google.dev/api/generate-content; js-genai `src/types.ts`). Responses are read from
 * `unknown` by read-candidates.ts, so they have no types here.
 */

interface InlineData {
  mimeType: string;
  /** Base64, standard alphabet. */
  data: string;
}

interface FunctionCall {
  name: string;
  args: Record<string, unknown>;
}

interface FunctionResponse {
  name: string;
  /** Always an object: plain output travels under `output`. */
  response: Record<string, unknown>;
}

/** Exactly one of text / inlineData / functionCall / functionResponse, plus an optional signature. */
export interface GeminiPart {
  text?: string;
  inlineData?: InlineData;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  thoughtSignature?: string;
}

export type GeminiRole = 'user' | 'model';

export interface GeminiContent {
  role: GeminiRole;
  parts: GeminiPart[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  /** Plain JSON Schema (OpenAI's `parameters` as given). */
  parametersJsonSchema?: Record<string, unknown>;
}

export interface GeminiTool {
  functionDeclarations: FunctionDeclaration[];
}

type FunctionCallingMode = 'AUTO' | 'ANY' | 'NONE';

export interface ToolConfig {
  functionCallingConfig: { mode: FunctionCallingMode; allowedFunctionNames?: string[] };
}

export type ThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface ThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: ThinkingLevel;
  includeThoughts?: boolean;
}

export interface GenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: 'application/json';
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: ThinkingConfig;
}

export interface GenerateContentRequest {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
  tools?: GeminiTool[];
  toolConfig?: ToolConfig;
  generationConfig?: GenerationConfig;
}
