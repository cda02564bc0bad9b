// The .model language: one grammar for files, statements and expressions.
// The contract is docs/language.md; every alternative is labelled so the compiler's
// AstBuilder (the only class that sees parse trees) can visit it by name.
grammar Model;

@lexer::members {
    /** Deepest ( and [ nesting this lexer will accept before the parser would recurse too deep. */
    public static final int MAX_NESTING = 256;

    private int depth = 0;
    private int lastType = -1;
    private Token tooDeep = null;

    /** The first bracket that went past {@link #MAX_NESTING}, or null. */
    public Token tooDeep() { return tooDeep; }

    // A newline ends a statement only outside brackets and only after a token that can end
    // an expression; elsewhere it is skipped, so `a +` at the end of a line continues.
    @Override
    public Token nextToken() {
        while (true) {
            Token t = super.nextToken();
            int type = t.getType();
            if (type == NL) {
                if (depth > 0 || !endsExpression(lastType)) continue;
            } else if (type == LPAREN || type == LBRACK) {
                depth++;
                if (depth > MAX_NESTING && tooDeep == null) tooDeep = t;
            } else if (type == RPAREN || type == RBRACK) {
                if (depth > 0) depth--;
            }
            if (t.getChannel() == Token.DEFAULT_CHANNEL) lastType = type;
            return t;
        }
    }

    private static boolean endsExpression(int type) {
        switch (type) {
            case ID: case INT: case FLOAT: case STRING: case TRUE: case FALSE: case RPAREN: case RBRACK:
            case INPUT: case PARAM: case STATE: case CONST: case OUTPUT: case LOSS: case UPDATE: case TRAIN: case FORWARD:
                return true;
            default:
                return false;
        }
    }
}

file
    : (decl | sep)* EOF
    ;

decl
    : DEF name LPAREN params? RPAREN ASSIGN expr                  # exprDef
    | DEF name LPAREN params? RPAREN LBRACE body RBRACE           # blockDef
    | LAYER name (LPAREN params? RPAREN)? LBRACE body RBRACE      # layerDecl
    | MODEL name LBRACE body RBRACE                               # modelDecl
    ;

params
    : param (COMMA param)* COMMA?
    ;

param
    : name (COLON typeExpr)? (ASSIGN expr)?
    ;

body
    : sep* (stmt (sep+ stmt)*)? sep*
    ;

sep
    : NL
    | SEMI
    ;

stmt
    : INPUT name COLON typeExpr                                   # inputStmt
    | PARAM name COLON typeExpr (ASSIGN expr)?                    # paramStmt
    | STATE name COLON typeExpr (ASSIGN expr)?                    # stateStmt
    | CONST name ASSIGN expr                                      # constStmt
    | OUTPUT name (ASSIGN expr)?                                  # outputStmt
    | LOSS name? ASSIGN expr                                      # lossStmt
    | UPDATE name (DOT name)* ASSIGN expr                         # updateStmt
    | TRAIN LBRACE sep* (trainEntry (sep+ trainEntry)*)? sep* RBRACE   # trainStmt
    | FORWARD LPAREN params? RPAREN ASSIGN expr                   # forwardExprStmt
    | FORWARD LPAREN params? RPAREN LBRACE body RBRACE            # forwardBlockStmt
    | RETURN expr                                                 # returnStmt
    | ID ASSIGN expr                                              # letStmt
    ;

trainEntry
    : name ASSIGN expr
    ;

typeExpr
    : ID (LBRACK (dim (COMMA dim)* COMMA?)? RBRACK)?
    ;

dim
    : INT                                                         # dimLiteral
    | name                                                        # dimName
    | STAR name                                                   # dimSpread
    ;

// Loosest last: ANTLR gives earlier alternatives higher precedence.
expr
    : primary                                                     # primaryExpr
    | expr LPAREN args? RPAREN                                    # callExpr
    | expr DOT name                                               # memberExpr
    | expr LBRACK subscript (COMMA subscript)* COMMA? RBRACK       # indexExpr
    | <assoc=right> expr POW expr                                 # powExpr
    | expr CARET expr                                             # caretExpr
    | op=(MINUS | PLUS | TILDE) expr                              # unaryExpr
    | expr op=(STAR | SLASH | AT) expr                            # mulExpr
    | expr op=(PLUS | MINUS) expr                                 # addExpr
    | expr op=(LT | LE | GT | GE | EQ | NE) expr                  # compareExpr
    | expr AMP expr                                               # andExpr
    | expr PIPE expr                                              # orExpr
    ;

primary
    : INT                                                         # intLiteral
    | FLOAT                                                       # floatLiteral
    | TRUE                                                        # trueLiteral
    | FALSE                                                       # falseLiteral
    | STRING                                                      # stringLiteral
    | name                                                        # nameRef
    | LPAREN expr RPAREN                                          # parenExpr
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK                  # listLiteral
    ;

args
    : arg (COMMA arg)* COMMA?
    ;

arg
    : name ASSIGN expr                                            # keywordArg
    | expr                                                        # positionalArg
    ;

subscript
    : expr                                                        # indexSubscript
    | lo=expr? COLON hi=expr? (COLON step=expr?)?                 # sliceSubscript
    ;

// Statement keywords are plain names everywhere but at the start of a statement.
name
    : ID | INPUT | PARAM | STATE | CONST | OUTPUT | LOSS | UPDATE | TRAIN | FORWARD
    ;

MODEL   : 'model';
LAYER   : 'layer';
DEF     : 'def';
RETURN  : 'return';
TRUE    : 'true';
FALSE   : 'false';
INPUT   : 'input';
PARAM   : 'param';
STATE   : 'state';
CONST   : 'const';
OUTPUT  : 'output';
LOSS    : 'loss';
UPDATE  : 'update';
TRAIN   : 'train';
FORWARD : 'forward';

LPAREN : '(';
RPAREN : ')';
LBRACK : '[';
RBRACK : ']';
LBRACE : '{';
RBRACE : '}';
COMMA  : ',';
COLON  : ':';
SEMI   : ';';
DOT    : '.';
POW    : '**';
STAR   : '*';
SLASH  : '/';
AT     : '@';
PLUS   : '+';
MINUS  : '-';
TILDE  : '~';
AMP    : '&';
PIPE   : '|';
CARET  : '^';
LE     : '<=';
GE     : '>=';
EQ     : '==';
NE     : '!=';
LT     : '<';
GT     : '>';
ASSIGN : '=';

FLOAT
    : DIGIT+ '.' DIGIT* EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | DIGIT+ EXPONENT
    ;
INT : DIGIT+;
// A string is one line of text in double quotes, with no escapes; the language takes one only as
// einsum's equation.
STRING : '"' ~["\r\n]* '"';
ID  : [A-Za-z_] [A-Za-z0-9_]*;

COMMENT : '#' ~[\r\n]* -> skip;
WS      : [ \t\f]+ -> skip;
NL      : '\r'? '\n' | '\r';

// Any other character becomes a token of its own, so the compiler can name it in a diagnostic.
UNKNOWN : . ;

fragment DIGIT    : [0-9];
fragment EXPONENT : [eE] [+-]? DIGIT+;
